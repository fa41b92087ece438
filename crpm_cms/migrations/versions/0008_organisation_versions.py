"""organisations: a version, checked by every save (no lost update between two editors)

Revision ID: 0008_organisation_versions
Revises: 0007_mail_outbox
Create Date: 2026-12-08 00:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_organisation_versions"
down_revision = "0007_mail_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations") as table:
        table.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("organisations") as table:
        table.drop_column("version")
