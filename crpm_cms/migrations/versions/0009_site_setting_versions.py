"""site settings: a version on each, checked by each save of the settings page

Revision ID: 0009_site_setting_versions
Revises: 0008_organisation_versions
Create Date: 2026-12-08 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_site_setting_versions"
down_revision = "0008_organisation_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site_settings") as table:
        table.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("site_settings") as table:
        table.drop_column("version")
