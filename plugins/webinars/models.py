"""What the calendar stores: events in an IANA zone, their speakers and materials, each member's
feed secret and time zone, and the reminders already sent (tables prefixed ``webinars_``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crpm_cms.plugin_api import (
    Country,
    LibraryDocument,
    Model,
    Organisation,
    Term,
    Versioned,
    db,
    localised,
    utcnow,
)

FORMATS = ("online", "in_person", "hybrid")
STATUSES = ("scheduled", "postponed", "cancelled")
MATERIAL_KINDS = ("recording", "slides", "report")
SPEAKER_GENDERS = ("woman", "man", "other")
WORKING_LANGUAGES = ("fr", "en", "ar", "pt")
REMINDER_KINDS = ("24h", "1h")
OWNER = "webinars.event"  # the owner of our activities in the core registrations service

event_organisers = Table(
    "webinars_event_organisers",
    db.metadata,
    Column("event_id", ForeignKey("webinars_events.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
)
event_countries = Table(
    "webinars_event_countries",
    db.metadata,
    Column("event_id", ForeignKey("webinars_events.id", ondelete="CASCADE"), primary_key=True),
    Column("country_code", ForeignKey("countries.code"), primary_key=True),
)
event_themes = Table(
    "webinars_event_themes",
    db.metadata,
    Column("event_id", ForeignKey("webinars_events.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("terms.id"), primary_key=True),
)


class WebinarEvent(Versioned, Model):
    """One webinar, forum or workshop. The wall-clock times typed in ``timezone`` are the truth;
    ``starts_at``/``ends_at`` are their UTC instants, recomputed on every save, for queries."""

    __tablename__ = "webinars_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True)  # iCalendar UID, never changes
    kind: Mapped[str] = mapped_column(String(40), index=True)  # event_kind term code
    title_fr: Mapped[str] = mapped_column(String(255), default="")
    title_en: Mapped[str] = mapped_column(String(255), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64))
    starts_local: Mapped[datetime]
    ends_local: Mapped[datetime]
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    format: Mapped[str] = mapped_column(String(16), default="online")
    place: Mapped[str] = mapped_column(String(255), default="")
    joining_url: Mapped[str] = mapped_column(String(500), default="")  # registrants only
    language: Mapped[str] = mapped_column(String(8), default="fr")
    capacity: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None]  # UTC
    registration_closes_at: Mapped[datetime | None]  # UTC; None = when the event starts
    status: Mapped[str] = mapped_column(String(16), default="scheduled", index=True)
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE, raised on each change
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    organisers: Mapped[list[Organisation]] = relationship(
        secondary=event_organisers, lazy="selectin", order_by=Organisation.name)
    countries: Mapped[list[Country]] = relationship(
        secondary=event_countries, lazy="selectin", order_by=Country.name_fr)
    themes: Mapped[list[Term]] = relationship(
        secondary=event_themes, lazy="selectin", order_by=Term.position)
    speakers: Mapped[list[EventSpeaker]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="selectin",
        order_by="EventSpeaker.position")
    materials: Mapped[list[EventMaterial]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="selectin",
        order_by="EventMaterial.position")

    @property
    def title(self) -> str:
        return localised(self.title_fr, self.title_en)

    @property
    def description(self) -> str:
        return localised(self.description_fr, self.description_en)

    @property
    def is_online(self) -> bool:
        return self.format in ("online", "hybrid")


class EventSpeaker(Model):
    """A speaker; ``gender`` is self-declared and optional, used only for the balance figures."""

    __tablename__ = "webinars_speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webinars_events.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(160))
    affiliation: Mapped[str] = mapped_column(String(255), default="")
    gender: Mapped[str | None] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[WebinarEvent] = relationship(back_populates="speakers")


class EventMaterial(Model):
    """After the event: a recording link, or slides and reports kept in the library."""

    __tablename__ = "webinars_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webinars_events.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(255), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("library_documents.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[WebinarEvent] = relationship(back_populates="materials")
    document: Mapped[LibraryDocument | None] = relationship(lazy="joined")


class FeedToken(Model):
    """A member's personal calendar feed: the secret address is derived from ``nonce`` and the
    site's secret key, so nothing usable is stored; a new nonce revokes the old address."""

    __tablename__ = "webinars_feed_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    nonce: Mapped[str] = mapped_column(String(43))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ViewerZone(Model):
    """The time zone a member chose on the account page (the core user has none)."""

    __tablename__ = "webinars_viewer_zones"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReminderSent(Model):
    """One reminder claimed for one person and one start time: the unique key makes a second
    run (or a concurrent one) skip it; a postponed event gets new reminders."""

    __tablename__ = "webinars_reminders"
    __table_args__ = (UniqueConstraint("event_id", "user_id", "kind", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webinars_events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    starts_at: Mapped[datetime]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
