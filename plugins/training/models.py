"""What the training plugin stores: trainings, sessions, intake questions, attendance,
certificates and coaching slots, in ``training_``-prefixed tables.

Seats, applications and their states are not here: they are rows of the core registrations
service (``registration_activities`` owned by ``training.training`` / ``training.coaching``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crpm_cms.plugin_api import (
    Country,
    Model,
    Term,
    User,
    Versioned,
    db,
    localised_field,
    utcnow,
)

QUESTION_KINDS = ("text", "choice", "yes_no")

training_themes = Table(
    "training_themes",
    db.metadata,
    Column("training_id", ForeignKey("training_trainings.id", ondelete="CASCADE"),
           primary_key=True),
    Column("term_id", ForeignKey("terms.id"), primary_key=True),
)

training_target_countries = Table(
    "training_target_countries",
    db.metadata,
    Column("training_id", ForeignKey("training_trainings.id", ondelete="CASCADE"),
           primary_key=True),
    Column("country_code", ForeignKey("countries.code"), primary_key=True),
)


class Training(Versioned, Model):
    """A collective training, study visit, professional exchange or coaching programme.

    ``country_code`` is the country whose focal points manage it (``None``: regional, admins).
    Dates are naive UTC; ``timezone`` is the IANA zone the application window is shown in.
    """

    __tablename__ = "training_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # training_kind term code
    title_fr: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str] = mapped_column(String(255), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    objectives_fr: Mapped[str] = mapped_column(Text, default="")
    objectives_en: Mapped[str] = mapped_column(Text, default="")
    prerequisites_fr: Mapped[str] = mapped_column(Text, default="")
    prerequisites_en: Mapped[str] = mapped_column(Text, default="")
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Africa/Dakar")
    target_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # organisation kinds
    applications_open_at: Mapped[datetime | None]
    applications_close_at: Mapped[datetime | None]
    published: Mapped[bool] = mapped_column(default=False, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # loaded when used; lists load them for all rows at once with ``services.LIST_OPTIONS``
    country: Mapped[Country | None] = relationship()
    themes: Mapped[list[Term]] = relationship(secondary=training_themes, order_by=Term.position)
    target_countries: Mapped[list[Country]] = relationship(
        secondary=training_target_countries, order_by=Country.code)
    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="training", cascade="all, delete-orphan",
        order_by="TrainingSession.starts_at")
    questions: Mapped[list[TrainingQuestion]] = relationship(
        back_populates="training", cascade="all, delete-orphan",
        order_by="(TrainingQuestion.position, TrainingQuestion.id)")

    title = property(lambda self: self.localised("title"))
    description = property(lambda self: self.localised("description"))
    objectives = property(lambda self: self.localised("objectives"))
    prerequisites = property(lambda self: self.localised("prerequisites"))

    def localised(self, name: str) -> str:
        """A text in the visitor's language, the French one when it was not translated."""
        return localised_field(self, name)

    def title_in(self, language: str | None) -> str:
        """The title in a given language (e-mails and certificates speak the person's)."""
        return localised_field(self, "title", language or "fr")

    @property
    def first_start(self) -> datetime | None:
        return self.sessions[0].starts_at if self.sessions else None

    @property
    def last_end(self) -> datetime | None:
        return max((s.ends_at for s in self.sessions), default=None)


class TrainingSession(Model):
    """One meeting of a training: its times (naive UTC) and the IANA zone they are shown in."""

    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(
        ForeignKey("training_trainings.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(255), default="")
    online: Mapped[bool] = mapped_column(default=False)
    trainers: Mapped[str] = mapped_column(String(255), default="")
    language: Mapped[str] = mapped_column(String(8), default="fr")

    training: Mapped[Training] = relationship(back_populates="sessions")


class TrainingQuestion(Model):
    """An intake question asked when applying: free text, one choice, or yes/no."""

    __tablename__ = "training_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(
        ForeignKey("training_trainings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(300))
    choices: Mapped[str] = mapped_column(Text, default="")  # one per line, for "choice"
    required: Mapped[bool] = mapped_column(default=True)

    training: Mapped[Training] = relationship(back_populates="questions")

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class TrainingAttendance(Model):
    """Whether one participant was present at one session."""

    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("session_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingCertificate(Model):
    """A certificate of participation; ``code`` is the unguessable key of its public page."""

    __tablename__ = "training_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    training_id: Mapped[int] = mapped_column(
        ForeignKey("training_trainings.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    holder_name: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    training: Mapped[Training] = relationship(lazy="joined")


class CoachingSlot(Model):
    """A one-person coaching appointment offered by a coach (one seat in the core service)."""

    __tablename__ = "training_coaching_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    topic: Mapped[str] = mapped_column(String(255))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(255), default="")
    online: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(8), default="fr")
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    coach: Mapped[User] = relationship(foreign_keys=[coach_id], lazy="joined")
