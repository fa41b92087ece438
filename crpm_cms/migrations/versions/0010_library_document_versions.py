"""library: a version on documents, checked by each save of their details

Revision ID: 0010_library_document_versions
Revises: 0009_site_setting_versions
Create Date: 2026-12-08 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_library_document_versions"
down_revision = "0009_site_setting_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("library_documents") as table:
        table.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("library_documents") as table:
        table.drop_column("version")
