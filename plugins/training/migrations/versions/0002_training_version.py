"""training: a version on trainings, checked by every save (no lost update)

Revision ID: 0002_training_version
Revises: 0001_training
Create Date: 2026-12-08 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_training_version"
down_revision = "0001_training"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("training_trainings") as table:
        table.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("training_trainings") as table:
        table.drop_column("version")
