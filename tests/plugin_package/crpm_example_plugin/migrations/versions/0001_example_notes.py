"""example notes

The first revision of the example plugin's own Alembic branch: ``branch_labels`` names the branch
after the plugin, and ``depends_on`` the core's first revision, whose tables it may refer to.

Revision ID: 0001_example
Revises:
Create Date: 2026-11-22 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0001_example"
down_revision = None
branch_labels = ("example",)
depends_on = "0001_core"


def upgrade():
    op.create_table(
        "example_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_example_notes")),
    )


def downgrade():
    op.drop_table("example_notes")
