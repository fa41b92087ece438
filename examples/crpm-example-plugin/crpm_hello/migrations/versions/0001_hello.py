"""greetings

The first revision of the plugin's own Alembic branch: ``branch_labels`` names the branch after
the plugin, ``depends_on`` the core's first revision, whose ``users`` table it refers to. Write
the next one with ``flask --app wsgi db revision --head hello@head -m "…"``.

Revision ID: 0001_hello
Revises:
Create Date: 2026-12-07 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0001_hello"
down_revision = None
branch_labels = ("hello",)
depends_on = "0001_core"


def upgrade():
    op.create_table(
        "hello_greetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=280), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_hello_greetings_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hello_greetings")),
    )


def downgrade():
    op.drop_table("hello_greetings")
