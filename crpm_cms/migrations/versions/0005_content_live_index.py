"""content: a covering index for counting the live items of a list by language

Revision ID: 0005_content_live_index
Revises: 0004_search
Create Date: 2026-11-30 04:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_content_live_index"
down_revision = "0004_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_content_items_live_count", "content_items",
                    ["kind", "status", "publish_at", "language", "expires_at"])


def downgrade() -> None:
    op.drop_index("ix_content_items_live_count", table_name="content_items")
