"""registrations: activities, quotas, registrations, transitions

Revision ID: 0003_registrations
Revises: 0002_content_library
Create Date: 2026-11-22 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_registrations"
down_revision = "0002_content_library"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "registration_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=60), nullable=False),
        sa.Column("external_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("seats_taken", sa.Integer(), nullable=False),
        sa.Column("promote_to", sa.String(length=16), nullable=False),
        sa.Column("offer_days", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_activities")),
        sa.UniqueConstraint("owner", "external_id", name=op.f("uq_registration_activities_owner")),
    )
    op.create_table(
        "registration_quotas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["registration_activities.id"],
            name=op.f("fk_registration_quotas_activity_id_registration_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_quotas")),
        sa.UniqueConstraint("activity_id", "dimension", "value",
                            name=op.f("uq_registration_quotas_activity_id")),
    )
    with op.batch_alter_table("registration_quotas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_quotas_activity_id"), ["activity_id"],
                              unique=False)

    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("sex", sa.String(length=16), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("offer_expires_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["registration_activities.id"],
            name=op.f("fk_registrations_activity_id_registration_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_registrations_organisation_id_organisations"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_registrations_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
        sa.UniqueConstraint("activity_id", "user_id", name=op.f("uq_registrations_activity_id")),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index("ix_registrations_queue", ["activity_id", "state", "queued_at"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_registrations_offer_expires_at"),
                              ["offer_expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_registrations_user_id"), ["user_id"], unique=False)

    op.create_table(
        "registration_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_registration_transitions_actor_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registrations.id"],
            name=op.f("fk_registration_transitions_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_transitions")),
    )
    with op.batch_alter_table("registration_transitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_transitions_registration_id"),
                              ["registration_id"], unique=False)


def downgrade():
    with op.batch_alter_table("registration_transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_transitions_registration_id"))
    op.drop_table("registration_transitions")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrations_user_id"))
        batch_op.drop_index(batch_op.f("ix_registrations_offer_expires_at"))
        batch_op.drop_index("ix_registrations_queue")
    op.drop_table("registrations")
    with op.batch_alter_table("registration_quotas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_quotas_activity_id"))
    op.drop_table("registration_quotas")
    op.drop_table("registration_activities")
