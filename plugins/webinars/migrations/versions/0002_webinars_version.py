"""webinars: a version on events, checked by every save (no lost update, SQLite included)

Revision ID: 0002_webinars_version
Revises: 0001_webinars
Create Date: 2026-12-08 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_webinars_version"
down_revision = "0001_webinars"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webinars_events") as table:
        table.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("webinars_events") as table:
        table.drop_column("version")
