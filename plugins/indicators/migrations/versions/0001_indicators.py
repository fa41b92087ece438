"""indicators: frameworks, definitions, values, statuses

The first revision of the indicators plugin's own Alembic branch.

Revision ID: 0001_indicators
Revises:
Create Date: 2026-11-30 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0001_indicators"
down_revision = None
branch_labels = ("indicators",)
depends_on = "0001_core"


def upgrade():
    op.create_table(
        "indicators_frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_fr", sa.String(length=255), nullable=False),
        sa.Column("name_en", sa.String(length=255), nullable=False),
        sa.Column("short_fr", sa.String(length=40), nullable=False),
        sa.Column("short_en", sa.String(length=40), nullable=False),
        sa.Column("description_fr", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("target_term_fr", sa.String(length=40), nullable=False),
        sa.Column("target_term_en", sa.String(length=40), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["country_code"], ["countries.code"],
                                name=op.f("fk_indicators_frameworks_country_code_countries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators_frameworks")),
        sa.UniqueConstraint("code", name=op.f("uq_indicators_frameworks_code")),
    )
    op.create_table(
        "indicators_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label_fr", sa.String(length=500), nullable=False),
        sa.Column("label_en", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["framework_id"], ["indicators_frameworks.id"], ondelete="CASCADE",

                                    name=op.f("fk_indicators_targets_framework_id_indicators_frameworks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators_targets")),
        sa.UniqueConstraint("framework_id", "code",
            name=op.f("uq_indicators_targets_framework_id")),
    )
    op.create_index(op.f("ix_indicators_targets_framework_id"), "indicators_targets",
                    ["framework_id"])
    op.create_table(
        "indicators_definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_fr", sa.String(length=500), nullable=False),
        sa.Column("name_en", sa.String(length=500), nullable=False),
        sa.Column("definition_fr", sa.Text(), nullable=False),
        sa.Column("definition_en", sa.Text(), nullable=False),
        sa.Column("method_fr", sa.Text(), nullable=False),
        sa.Column("method_en", sa.Text(), nullable=False),
        sa.Column("unit_fr", sa.String(length=100), nullable=False),
        sa.Column("unit_en", sa.String(length=100), nullable=False),
        sa.Column("sources_fr", sa.Text(), nullable=False),
        sa.Column("sources_en", sa.Text(), nullable=False),
        sa.Column("periodicity", sa.String(length=20), nullable=False),
        sa.Column("value_type", sa.String(length=20), nullable=False),
        sa.Column("chart", sa.String(length=10), nullable=False),
        sa.Column("disaggregations", sa.JSON(), nullable=False),
        sa.Column("series", sa.JSON(), nullable=False),
        sa.Column("publications", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators_definitions")),
        sa.UniqueConstraint("code", name=op.f("uq_indicators_definitions_code")),
    )
    op.create_table(
        "indicators_indicator_targets",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators_definitions.id"], ondelete="CASCADE",

                                    name=op.f("fk_indicators_indicator_targets_indicator_id_indicators_definitions")),
        sa.ForeignKeyConstraint(["target_id"], ["indicators_targets.id"], ondelete="CASCADE",

                                    name=op.f("fk_indicators_indicator_targets_target_id_indicators_targets")),
        sa.PrimaryKeyConstraint("indicator_id", "target_id",
                                name=op.f("pk_indicators_indicator_targets")),
    )
    op.create_table(
        "indicators_related",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("related_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators_definitions.id"], ondelete="CASCADE",

                                    name=op.f("fk_indicators_related_indicator_id_indicators_definitions")),
        sa.ForeignKeyConstraint(["related_id"], ["indicators_definitions.id"], ondelete="CASCADE",

                                    name=op.f("fk_indicators_related_related_id_indicators_definitions")),
        sa.PrimaryKeyConstraint("indicator_id", "related_id", name=op.f("pk_indicators_related")),
    )
    op.create_table(
        "indicators_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("period", sa.String(length=9), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("breakdown_key", sa.String(length=200), nullable=False),
        sa.Column("breakdown", sa.JSON(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators_definitions.id"], ondelete="CASCADE",

                                    name=op.f("fk_indicators_values_indicator_id_indicators_definitions")),
        sa.ForeignKeyConstraint(["country_code"], ["countries.code"],
                                name=op.f("fk_indicators_values_country_code_countries")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_indicators_values_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators_values")),
        sa.UniqueConstraint("indicator_id", "country_code", "period", "breakdown_key",
                            name=op.f("uq_indicators_values_indicator_id")),
    )
    op.create_index(op.f("ix_indicators_values_indicator_id"), "indicators_values",
                    ["indicator_id"])
    op.create_index(op.f("ix_indicators_values_country_code"), "indicators_values",
                    ["country_code"])
    op.create_index(op.f("ix_indicators_values_year"), "indicators_values", ["year"])
    op.create_table(
        "indicators_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators_definitions.id"], ondelete="CASCADE",

                                    name=op.f("fk_indicators_statuses_indicator_id_indicators_definitions")),
        sa.ForeignKeyConstraint(["country_code"], ["countries.code"],
                                name=op.f("fk_indicators_statuses_country_code_countries")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_indicators_statuses_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators_statuses")),
        sa.UniqueConstraint("indicator_id", "country_code",
                            name=op.f("uq_indicators_statuses_indicator_id")),
    )
    op.create_index(op.f("ix_indicators_statuses_indicator_id"), "indicators_statuses",
                    ["indicator_id"])


def downgrade():
    op.drop_table("indicators_statuses")
    op.drop_table("indicators_values")
    op.drop_table("indicators_related")
    op.drop_table("indicators_indicator_targets")
    op.drop_table("indicators_definitions")
    op.drop_table("indicators_targets")
    op.drop_table("indicators_frameworks")
