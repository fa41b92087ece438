"""search: on PostgreSQL, a fixed 1-in-16 sample of the index for estimated counts, the facet
keys as lexemes of the document (a filter joins the words in the GIN index), and the indexes that
find the newest matches and the title matches without reading every match

Revision ID: 0006_search_sample
Revises: 0005_content_live_index
Create Date: 2026-11-30 07:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_search_sample"
down_revision = "0005_content_live_index"
branch_labels = None
depends_on = None

NEWEST = "(COALESCE(visible_from, published_on)) DESC NULLS LAST, uid"

POSTGRES_UPGRADE = [
    # Which sixteenth of the index a row is in: fixed by its uid, so a row never moves.
    "ALTER TABLE search_entries ADD COLUMN sample smallint NOT NULL DEFAULT 0",
    "UPDATE search_entries SET sample = hashtext(uid) & 15, "
    "document = document || array_to_tsvector(facet_keys)",
    "CREATE INDEX ix_search_entries_sample ON search_entries USING gin (document) "
    "WHERE sample = 0",
    "CREATE INDEX ix_search_entries_title ON search_entries USING gin (title_document)",
    f"CREATE INDEX ix_search_entries_newest ON search_entries ({NEWEST})",
]

POSTGRES_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_search_entries_newest",
    "DROP INDEX IF EXISTS ix_search_entries_title",
    "DROP INDEX IF EXISTS ix_search_entries_sample",
    "UPDATE search_entries SET document = ts_delete(document, facet_keys)",
    "ALTER TABLE search_entries DROP COLUMN IF EXISTS sample",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DOWNGRADE:
            op.execute(statement)
