"""Registration tables: activities with seats, quotas, one row per person, and their history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crpm_cms.extensions import Model
from crpm_cms.timezones import utcnow
from crpm_cms.users.models import User


class RegistrationActivity(Model):
    """Something people take seats in, owned by a plugin row (``owner`` + ``external_id``).

    ``seats_taken`` is only ever changed by conditional UPDATEs, so it cannot exceed capacity.
    """

    __tablename__ = "registration_activities"
    __table_args__ = (UniqueConstraint("owner", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(60))
    external_id: Mapped[int]
    capacity: Mapped[int | None]  # None = unlimited
    seats_taken: Mapped[int] = mapped_column(default=0)
    promote_to: Mapped[str] = mapped_column(String(16), default="registered")
    offer_days: Mapped[int | None]
    starts_on: Mapped[date | None]  # when it takes place: the period of participation statistics

    quotas: Mapped[list[RegistrationQuota]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", lazy="selectin"
    )


class RegistrationQuota(Model):
    """At most ``seats`` seats held by people whose ``dimension`` snapshot equals ``value``."""

    __tablename__ = "registration_quotas"
    __table_args__ = (UniqueConstraint("activity_id", "dimension", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("registration_activities.id", ondelete="CASCADE"), index=True
    )
    dimension: Mapped[str] = mapped_column(String(16))  # "country" | "sex"
    value: Mapped[str] = mapped_column(String(40))
    seats: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)

    activity: Mapped[RegistrationActivity] = relationship(back_populates="quotas")


class Registration(Model):
    """One person in one activity; re-registering reuses the row (back to the end of the queue)."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        Index("ix_registrations_queue", "activity_id", "state", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("registration_activities.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    state: Mapped[str] = mapped_column(String(16))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    country_code: Mapped[str | None] = mapped_column(String(2))  # snapshot, quotas/statistics
    sex: Mapped[str | None] = mapped_column(String(16))  # snapshot of the declared gender
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    offer_expires_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    activity: Mapped[RegistrationActivity] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")


class RegistrationTransition(Model):
    """One change of state: who did it (None = the system), when, and why."""

    __tablename__ = "registration_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship(lazy="joined")
