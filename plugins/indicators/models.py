"""What the indicators plugin stores: frameworks and their targets, indicator definitions, the
values focal points enter by country x period x disaggregation, and reporting statuses.

Frameworks and definitions come from data files (``catalogue.py`` loads them); values and
statuses are entered by people. Every table is prefixed ``indicators_``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Float, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crpm_cms.plugin_api import Model, User, db, localised_field, utcnow

TOTAL = "_T"  # SDMX code of a total: a value row like the others, entered explicitly
VALUE_TYPES = ("number", "percentage", "ordinal")
ORDINAL_LEVELS = ("absent", "partial", "present")  # stored as 0, 1, 2
STATUSES = ("complete", "in_progress", "not_started", "not_applicable")
PERIODICITIES = ("annual", "biennial", "quinquennial", "irregular")
CHARTS = ("line", "bar")


indicator_targets = Table(
    "indicators_indicator_targets", db.metadata,
    Column("indicator_id", ForeignKey("indicators_definitions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("target_id", ForeignKey("indicators_targets.id", ondelete="CASCADE"),
           primary_key=True),
)

related_indicators = Table(
    "indicators_related", db.metadata,
    Column("indicator_id", ForeignKey("indicators_definitions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("related_id", ForeignKey("indicators_definitions.id", ondelete="CASCADE"),
           primary_key=True),
)


class Framework(Model):
    """A set of goals indicators answer to: the GCM, the MGI, the SDGs, a national plan."""

    __tablename__ = "indicators_frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_fr: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    short_fr: Mapped[str] = mapped_column(String(40), default="")
    short_en: Mapped[str] = mapped_column(String(40), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    target_term_fr: Mapped[str] = mapped_column(String(40), default="")
    target_term_en: Mapped[str] = mapped_column(String(40), default="")
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))  # national
    position: Mapped[int] = mapped_column(default=0)

    targets: Mapped[list[Target]] = relationship(
        back_populates="framework", order_by="Target.position", cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        return localised_field(self, "name")

    @property
    def short(self) -> str:
        return localised_field(self, "short") or self.code.upper()

    @property
    def description(self) -> str:
        return localised_field(self, "description")

    @property
    def target_term(self) -> str:
        return localised_field(self, "target_term")


class Target(Model):
    """One objective, domain or target of a framework (GCM objective 23, SDG target 10.7…)."""

    __tablename__ = "indicators_targets"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("indicators_frameworks.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label_fr: Mapped[str] = mapped_column(String(500))
    label_en: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(default=0)

    framework: Mapped[Framework] = relationship(back_populates="targets")

    @property
    def label(self) -> str:
        return localised_field(self, "label")


class Indicator(Model):
    """An indicator definition, in French and English, loaded from the catalogue files."""

    __tablename__ = "indicators_definitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_fr: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str] = mapped_column(String(500))
    definition_fr: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    method_fr: Mapped[str] = mapped_column(Text, default="")
    method_en: Mapped[str] = mapped_column(Text, default="")
    unit_fr: Mapped[str] = mapped_column(String(100), default="")
    unit_en: Mapped[str] = mapped_column(String(100), default="")
    sources_fr: Mapped[str] = mapped_column(Text, default="")
    sources_en: Mapped[str] = mapped_column(Text, default="")
    periodicity: Mapped[str] = mapped_column(String(20), default="annual")
    value_type: Mapped[str] = mapped_column(String(20), default="number")
    chart: Mapped[str] = mapped_column(String(10), default="line")
    disaggregations: Mapped[list[str]] = mapped_column(JSON, default=list)
    # {"participation": [owners], "states": [...]} for a series computed from registrations
    series: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    publications: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    # by framework, then as the framework lists them (positions repeat across frameworks)
    targets: Mapped[list[Target]] = relationship(
        secondary=indicator_targets, lazy="selectin",
        order_by=lambda: [Target.framework_id, Target.position, Target.id])
    related: Mapped[list[Indicator]] = relationship(
        secondary=related_indicators,
        primaryjoin=lambda: Indicator.id == related_indicators.c.indicator_id,
        secondaryjoin=lambda: Indicator.id == related_indicators.c.related_id,
        order_by=lambda: Indicator.position)

    @property
    def name(self) -> str:
        return localised_field(self, "name")

    @property
    def definition(self) -> str:
        return localised_field(self, "definition")

    @property
    def method(self) -> str:
        return localised_field(self, "method")

    @property
    def unit(self) -> str:
        return localised_field(self, "unit")

    @property
    def sources(self) -> str:
        return localised_field(self, "sources")

    @property
    def computed(self) -> bool:
        """A ready-made series computed from registrations: nobody enters its values."""
        return bool((self.series or {}).get("participation"))


class IndicatorValue(Model):
    """One observation: an indicator for a country, a period and one combination of
    disaggregations (``breakdown``: ``{"sex": "F"}``; ``{}`` is the total)."""

    __tablename__ = "indicators_values"
    __table_args__ = (UniqueConstraint("indicator_id", "country_code", "period", "breakdown_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators_definitions.id", ondelete="CASCADE"), index=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    period: Mapped[str] = mapped_column(String(9))  # "2023" or "2022-2023"
    year: Mapped[int] = mapped_column(index=True)  # the period's last year, for sorting
    # canonical "age=Y15T24;sex=F": non-total dimensions only, sorted; "" is the total
    breakdown_key: Mapped[str] = mapped_column(String(200), default="")
    breakdown: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    value: Mapped[float] = mapped_column(Float)  # ordinal levels are 0, 1, 2
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    evidence: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    indicator: Mapped[Indicator] = relationship()
    updated_by: Mapped[User | None] = relationship()

    def dimension(self, code: str) -> str:
        return (self.breakdown or {}).get(code, TOTAL)


class ReportingStatus(Model):
    """Where a country stands on an indicator, as its focal point declares it."""

    __tablename__ = "indicators_statuses"
    __table_args__ = (UniqueConstraint("indicator_id", "country_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators_definitions.id", ondelete="CASCADE"), index=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
