"""cso_map: a version on directory profiles, guarding each map record against lost updates

Revision ID: 0002_cso_map_version
Revises: 0001_cso_map
Create Date: 2026-12-08 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_cso_map_version"
down_revision = "0001_cso_map"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cso_map_profiles") as table:
        table.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("cso_map_profiles") as table:
        table.drop_column("version")
