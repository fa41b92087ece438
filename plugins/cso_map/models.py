"""What the CSO map stores beside the core's organisations, in its own ``cso_map_`` tables.

Every row points at a core organisation by id; the core never refers to these tables. A place
keeps the exact point it was given *and* the public point, snapped to the precision the
organisation chose: every output reads the public columns only, so the exact point of a
sensitive organisation never leaves the server.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crpm_cms.plugin_api import Model, Versioned, utcnow

PRECISIONS = ("exact", "city", "region", "country")
GENDER_FOCUSES = ("none", "mainstreamed", "targeted")
PROPOSAL_STATES = ("pending", "approved", "rejected")
VERIFIED_THROUGH = ("account", "email", "import")


class Place(Model):
    """Where an organisation works: one or more places, each with its own precision."""

    __tablename__ = "cso_map_places"
    __table_args__ = (Index("ix_cso_map_places_public_point", "public_latitude",
                            "public_longitude"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    city: Mapped[str] = mapped_column(String(120), default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    precision: Mapped[str] = mapped_column(String(10), default="exact")
    # As given: shown only in the edit form of those who may change the place.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # Snapped to ``precision``: the only coordinates any page, file or API answer shows.
    public_latitude: Mapped[float] = mapped_column(Float)
    public_longitude: Mapped[float] = mapped_column(Float)

    @property
    def public_city(self) -> str:
        return shown_city(self.precision, self.city)

    @property
    def public_region(self) -> str:
        return shown_region(self.precision, self.region)


def shown_city(precision: str, city: str) -> str:
    """The city, unless the organisation chose to be shown only by region or country."""
    return city if precision in ("exact", "city") else ""


def shown_region(precision: str, region: str) -> str:
    return region if precision != "country" else ""


class Profile(Versioned, Model):
    """The directory fields of an organisation (one row per organisation that has them); its
    version guards the whole map record (places included) against lost updates."""

    __tablename__ = "cso_map_profiles"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    gender_focus: Mapped[str] = mapped_column(String(16), default="none", index=True)
    working_languages: Mapped[str] = mapped_column(String(120), default="")  # ISO 639, ";"
    last_verified_on: Mapped[date | None] = mapped_column(Date)
    last_verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    verified_through: Mapped[str | None] = mapped_column(String(16))

    target_groups: Mapped[list[ProfileTargetGroup]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProfileTargetGroup.code")
    last_verified_by = relationship("User", lazy="joined")

    @property
    def target_group_codes(self) -> list[str]:
        return [row.code for row in self.target_groups]

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.working_languages.split(";") if code]


class ProfileTargetGroup(Model):
    """One target group of an organisation (women migrants, youth, returnees…)."""

    __tablename__ = "cso_map_target_groups"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("cso_map_profiles.organisation_id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class Proposal(Model):
    """A new organisation or a change proposed by a member or a visitor, waiting for the focal
    point of its country."""

    __tablename__ = "cso_map_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True)  # None: a new one
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    submitter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitter_name: Mapped[str] = mapped_column(String(120), default="")
    submitter_email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="fr")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decision_message: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation = relationship("Organisation", lazy="joined")


class VerificationReminder(Model):
    """The yearly "please confirm your record" e-mail, sent at most once per organisation and
    year: the primary key is what makes the campaign idempotent."""

    __tablename__ = "cso_map_reminders"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    sent_to: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
