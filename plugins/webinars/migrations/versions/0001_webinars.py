"""webinars: events, organisers, countries, themes, speakers, materials, feeds, zones, reminders

The first revision of the webinars plugin's own Alembic branch. It refers to core tables only
(users, organisations, countries, terms, library documents); seats and waitlists live in the
core registrations tables.

Revision ID: 0001_webinars
Revises:
Create Date: 2026-11-30 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0001_webinars"
down_revision = None
branch_labels = ("webinars",)
depends_on = "0002_content_library"


def upgrade():
    op.create_table(
        "webinars_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title_fr", sa.String(length=255), nullable=False),
        sa.Column("title_en", sa.String(length=255), nullable=False),
        sa.Column("description_fr", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_local", sa.DateTime(), nullable=False),
        sa.Column("ends_local", sa.DateTime(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=False),
        sa.Column("joining_url", sa.String(length=500), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("registration_opens_at", sa.DateTime(), nullable=True),
        sa.Column("registration_closes_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_webinars_events_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webinars_events")),
        sa.UniqueConstraint("uid", name=op.f("uq_webinars_events_uid")),
    )
    with op.batch_alter_table("webinars_events") as batch_op:
        for column in ("kind", "starts_at", "ends_at", "status", "updated_at"):
            batch_op.create_index(batch_op.f(f"ix_webinars_events_{column}"), [column])

    op.create_table(
        "webinars_event_organisers",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["webinars_events.id"],
                                name=op.f("fk_webinars_event_organisers_event_id_webinars_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"],
            name=op.f("fk_webinars_event_organisers_organisation_id_organisations"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "organisation_id",
                                name=op.f("pk_webinars_event_organisers")),
    )
    op.create_table(
        "webinars_event_countries",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(["country_code"], ["countries.code"],
                                name=op.f("fk_webinars_event_countries_country_code_countries")),
        sa.ForeignKeyConstraint(["event_id"], ["webinars_events.id"],
                                name=op.f("fk_webinars_event_countries_event_id_webinars_events"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "country_code",
                                name=op.f("pk_webinars_event_countries")),
    )
    op.create_table(
        "webinars_event_themes",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["webinars_events.id"],
                                name=op.f("fk_webinars_event_themes_event_id_webinars_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["term_id"], ["terms.id"],
                                name=op.f("fk_webinars_event_themes_term_id_terms")),
        sa.PrimaryKeyConstraint("event_id", "term_id", name=op.f("pk_webinars_event_themes")),
    )
    op.create_table(
        "webinars_speakers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("affiliation", sa.String(length=255), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["webinars_events.id"],
                                name=op.f("fk_webinars_speakers_event_id_webinars_events"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webinars_speakers")),
    )
    with op.batch_alter_table("webinars_speakers") as batch_op:
        batch_op.create_index(batch_op.f("ix_webinars_speakers_event_id"), ["event_id"])

    op.create_table(
        "webinars_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["library_documents.id"],
            name=op.f("fk_webinars_materials_document_id_library_documents"),
            ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["event_id"], ["webinars_events.id"],
                                name=op.f("fk_webinars_materials_event_id_webinars_events"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webinars_materials")),
    )
    with op.batch_alter_table("webinars_materials") as batch_op:
        batch_op.create_index(batch_op.f("ix_webinars_materials_event_id"), ["event_id"])

    op.create_table(
        "webinars_feed_tokens",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=43), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_webinars_feed_tokens_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_webinars_feed_tokens")),
    )
    op.create_table(
        "webinars_viewer_zones",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_webinars_viewer_zones_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_webinars_viewer_zones")),
    )
    op.create_table(
        "webinars_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["webinars_events.id"],
                                name=op.f("fk_webinars_reminders_event_id_webinars_events"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_webinars_reminders_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webinars_reminders")),
        sa.UniqueConstraint("event_id", "user_id", "kind", "starts_at",
                            name=op.f("uq_webinars_reminders_event_id")),
    )
    with op.batch_alter_table("webinars_reminders") as batch_op:
        batch_op.create_index(batch_op.f("ix_webinars_reminders_user_id"), ["user_id"])


def downgrade():
    for table in ("webinars_reminders", "webinars_viewer_zones", "webinars_feed_tokens",
                  "webinars_materials", "webinars_speakers", "webinars_event_themes",
                  "webinars_event_countries", "webinars_event_organisers", "webinars_events"):
        op.drop_table(table)
