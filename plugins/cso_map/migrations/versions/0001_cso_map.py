"""CSO map: places, directory profiles and target groups, proposals, verification reminders

The first revision of the ``cso_map`` plugin's own Alembic branch; it depends on the core's first
revision, whose ``organisations``, ``countries`` and ``users`` tables it refers to.

Revision ID: 0001_cso_map
Revises:
Create Date: 2026-11-30 02:53:31

"""

import sqlalchemy as sa
from alembic import op

revision = "0001_cso_map"
down_revision = None
branch_labels = ("cso_map",)
depends_on = "0001_core"


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.Constraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], ondelete=ondelete,
                                   name=op.f(f"fk_{table}_{column}_{referred}"))


def _index(table: str, *columns: str, name: str | None = None) -> None:
    with op.batch_alter_table(table) as batch_op:
        batch_op.create_index(name or batch_op.f(f"ix_{table}_{columns[0]}"), list(columns))


def upgrade() -> None:
    op.create_table(
        "cso_map_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("region", sa.String(length=120), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("precision", sa.String(length=10), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("public_latitude", sa.Float(), nullable=False),
        sa.Column("public_longitude", sa.Float(), nullable=False),
        _fk("cso_map_places", "country_code", "countries.code"),
        _fk("cso_map_places", "organisation_id", "organisations.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cso_map_places")),
    )
    _index("cso_map_places", "organisation_id")
    _index("cso_map_places", "public_latitude", "public_longitude",
           name="ix_cso_map_places_public_point")

    op.create_table(
        "cso_map_reminders",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sent_to", sa.String(length=254), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        _fk("cso_map_reminders", "organisation_id", "organisations.id", "CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", "year", name=op.f("pk_cso_map_reminders")),
    )

    op.create_table(
        "cso_map_profiles",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("gender_focus", sa.String(length=16), nullable=False),
        sa.Column("working_languages", sa.String(length=120), nullable=False),
        sa.Column("last_verified_on", sa.Date(), nullable=True),
        sa.Column("last_verified_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_through", sa.String(length=16), nullable=True),
        _fk("cso_map_profiles", "last_verified_by_id", "users.id", "SET NULL"),
        _fk("cso_map_profiles", "organisation_id", "organisations.id", "CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_cso_map_profiles")),
    )
    _index("cso_map_profiles", "gender_focus")

    op.create_table(
        "cso_map_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("submitter_id", sa.Integer(), nullable=True),
        sa.Column("submitter_name", sa.String(length=120), nullable=False),
        sa.Column("submitter_email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decision_message", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("cso_map_proposals", "country_code", "countries.code"),
        _fk("cso_map_proposals", "decided_by_id", "users.id", "SET NULL"),
        _fk("cso_map_proposals", "organisation_id", "organisations.id", "SET NULL"),
        _fk("cso_map_proposals", "submitter_id", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cso_map_proposals")),
    )
    for column in ("country_code", "organisation_id", "status"):
        _index("cso_map_proposals", column)

    op.create_table(
        "cso_map_target_groups",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        _fk("cso_map_target_groups", "organisation_id", "cso_map_profiles.organisation_id",
            "CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", "code", name=op.f("pk_cso_map_target_groups")),
    )
    _index("cso_map_target_groups", "code")


def downgrade() -> None:
    for table in ("cso_map_target_groups", "cso_map_proposals", "cso_map_profiles",
                  "cso_map_reminders", "cso_map_places"):
        op.drop_table(table)
