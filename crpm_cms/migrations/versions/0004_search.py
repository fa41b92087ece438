"""search: the outbox on every database; on PostgreSQL also the full-text index and its
French and English text search configurations (unaccent before stemming)

Revision ID: 0004_search
Revises: 0003_registrations
Create Date: 2026-11-22 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004_search"
down_revision = "0003_registrations"
branch_labels = None
depends_on = None

TEXT_TOKENS = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"

POSTGRES_UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION crpm_fr (COPY = pg_catalog.french)",
    f"ALTER TEXT SEARCH CONFIGURATION crpm_fr ALTER MAPPING FOR {TEXT_TOKENS} "
    "WITH unaccent, french_stem",
    "CREATE TEXT SEARCH CONFIGURATION crpm_en (COPY = pg_catalog.english)",
    f"ALTER TEXT SEARCH CONFIGURATION crpm_en ALTER MAPPING FOR {TEXT_TOKENS} "
    "WITH unaccent, english_stem",
    # Narrow rows (the text and the tsvector go to TOAST, toast_tuple_target): counting facets
    # over tens of thousands of matches reads small heap pages, never the documents.
    """CREATE TABLE search_entries (
        uid varchar(170) NOT NULL,
        kind varchar(40) NOT NULL,
        key varchar(120) NOT NULL,
        owner varchar(60) NOT NULL,
        access varchar(16) NOT NULL,
        title text NOT NULL,
        url text NOT NULL,
        body text NOT NULL,
        type varchar(60) NOT NULL DEFAULT '',
        countries text[] NOT NULL DEFAULT '{}',
        year integer,
        language varchar(8) NOT NULL,
        published_on date,
        visible_from timestamp,
        visible_until timestamp,
        fingerprint varchar(40) NOT NULL,
        facet_keys text[] NOT NULL DEFAULT '{}',
        title_document tsvector NOT NULL,
        document tsvector NOT NULL,
        CONSTRAINT pk_search_entries PRIMARY KEY (uid)
    ) WITH (toast_tuple_target = 512)""",
    # The only index: filters (facet_keys @> …) are checked on the small rows the text search
    # finds; an index on them would tempt the planner into reading documents to check the words.
    "CREATE INDEX ix_search_entries_document ON search_entries USING gin (document)",
]

POSTGRES_DOWNGRADE = [
    "DROP TABLE IF EXISTS search_entries",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS crpm_en",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS crpm_fr",
]


def upgrade():
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
        sqlite_autoincrement=True,  # ids never reused: writers delete the rows they applied by id
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UPGRADE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DOWNGRADE:
            op.execute(statement)
    op.drop_table("search_outbox")
