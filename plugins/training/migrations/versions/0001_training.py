"""training: trainings, sessions, intake questions, attendance, certificates, coaching slots

The first revision of the training plugin's Alembic branch. It depends on the core's
registrations revision: attendance and certificates point at rows of ``registrations``.

Revision ID: 0001_training
Revises:
Create Date: 2026-11-30 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0001_training"
down_revision = None
branch_labels = ("training",)
depends_on = ("0001_core", "0003_registrations")


def upgrade():
    op.create_table(
        "training_trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title_fr", sa.String(length=255), nullable=False),
        sa.Column("title_en", sa.String(length=255), nullable=False),
        sa.Column("description_fr", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("objectives_fr", sa.Text(), nullable=False),
        sa.Column("objectives_en", sa.Text(), nullable=False),
        sa.Column("prerequisites_fr", sa.Text(), nullable=False),
        sa.Column("prerequisites_en", sa.Text(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("target_kinds", sa.JSON(), nullable=False),
        sa.Column("applications_open_at", sa.DateTime(), nullable=True),
        sa.Column("applications_close_at", sa.DateTime(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["country_code"], ["countries.code"],
                                name=op.f("fk_training_trainings_country_code_countries")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_training_trainings_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_trainings")),
    )
    with op.batch_alter_table("training_trainings") as batch_op:
        batch_op.create_index(batch_op.f("ix_training_trainings_kind"), ["kind"])
        batch_op.create_index(batch_op.f("ix_training_trainings_country_code"), ["country_code"])
        batch_op.create_index(batch_op.f("ix_training_trainings_published"), ["published"])

    op.create_table(
        "training_themes",
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["training_id"], ["training_trainings.id"],
                                name=op.f("fk_training_themes_training_id_training_trainings"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["term_id"], ["terms.id"],
                                name=op.f("fk_training_themes_term_id_terms")),
        sa.PrimaryKeyConstraint("training_id", "term_id", name=op.f("pk_training_themes")),
    )
    op.create_table(
        "training_target_countries",
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["training_id"], ["training_trainings.id"],
            name=op.f("fk_training_target_countries_training_id_training_trainings"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["country_code"], ["countries.code"],
                                name=op.f("fk_training_target_countries_country_code_countries")),
        sa.PrimaryKeyConstraint("training_id", "country_code",
                                name=op.f("pk_training_target_countries")),
    )
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("trainers", sa.String(length=255), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["training_id"], ["training_trainings.id"],
                                name=op.f("fk_training_sessions_training_id_training_trainings"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sessions")),
    )
    with op.batch_alter_table("training_sessions") as batch_op:
        batch_op.create_index(batch_op.f("ix_training_sessions_training_id"), ["training_id"])

    op.create_table(
        "training_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("choices", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["training_id"], ["training_trainings.id"],
                                name=op.f("fk_training_questions_training_id_training_trainings"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_questions")),
    )
    with op.batch_alter_table("training_questions") as batch_op:
        batch_op.create_index(batch_op.f("ix_training_questions_training_id"), ["training_id"])

    op.create_table(
        "training_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"],
                                name=op.f("fk_training_attendance_session_id_training_sessions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name=op.f("fk_training_attendance_registration_id_registrations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_training_attendance_recorded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attendance")),
        sa.UniqueConstraint("session_id", "registration_id",
                            name=op.f("uq_training_attendance_session_id")),
    )
    with op.batch_alter_table("training_attendance") as batch_op:
        batch_op.create_index(batch_op.f("ix_training_attendance_session_id"), ["session_id"])
        batch_op.create_index(batch_op.f("ix_training_attendance_registration_id"),
                              ["registration_id"])

    op.create_table(
        "training_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("holder_name", sa.String(length=120), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registrations.id"],
            name=op.f("fk_training_certificates_registration_id_registrations"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["training_id"], ["training_trainings.id"],
            name=op.f("fk_training_certificates_training_id_training_trainings"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"],
                                name=op.f("fk_training_certificates_revoked_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_certificates")),
        sa.UniqueConstraint("registration_id",
                            name=op.f("uq_training_certificates_registration_id")),
        sa.UniqueConstraint("code", name=op.f("uq_training_certificates_code")),
    )
    with op.batch_alter_table("training_certificates") as batch_op:
        batch_op.create_index(batch_op.f("ix_training_certificates_training_id"), ["training_id"])

    op.create_table(
        "training_coaching_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=255), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["coach_id"], ["users.id"],
                                name=op.f("fk_training_coaching_slots_coach_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["country_code"], ["countries.code"],
                                name=op.f("fk_training_coaching_slots_country_code_countries")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_training_coaching_slots_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_coaching_slots")),
    )
    with op.batch_alter_table("training_coaching_slots") as batch_op:
        batch_op.create_index(batch_op.f("ix_training_coaching_slots_coach_id"), ["coach_id"])
        batch_op.create_index(batch_op.f("ix_training_coaching_slots_starts_at"), ["starts_at"])


def downgrade():
    for table in ("training_coaching_slots", "training_certificates", "training_attendance",
                  "training_questions", "training_sessions", "training_target_countries",
                  "training_themes", "training_trainings"):
        op.drop_table(table)
