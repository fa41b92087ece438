"""Personalised coaching: one-person slots offered by a coach, booked through the same core
registrations service as trainings (capacity one; a second booker waits and is promoted)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crpm_plugins.training.models import CoachingSlot
from crpm_plugins.training.services import TrainingError, check_meeting, in_scope
from flask_babel import gettext as _
from sqlalchemy import and_, select

from crpm_cms.plugin_api import Registration, RegistrationActivity, User, db, registrations, utcnow

OWNER = "training.coaching"
COACH_ACTIONS = ("cancel", "mark_attended", "mark_no_show")


@dataclass
class SlotRow:
    slot: CoachingSlot
    taken: bool


def can_run(user: User | None, slot: CoachingSlot) -> bool:
    """The coach, and those who manage trainings of the slot's country, see and mark bookings."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return slot.coach_id == user.id or in_scope(user, "training.manage", slot.country_code)


def create_slot(coach: User, topic: str, starts_at: datetime, ends_at: datetime, zone: str, *,
                place: str = "", online: bool = True, language: str = "fr",
                country_code: str | None = None, actor: User | None = None) -> CoachingSlot:
    if not topic.strip():
        raise TrainingError(_("Give the topic of the coaching session."))
    check_meeting(starts_at, ends_at, zone, online, place)
    slot = CoachingSlot(coach_id=coach.id, topic=topic.strip()[:255], starts_at=starts_at,
                        ends_at=ends_at, timezone=zone, place=place.strip()[:255], online=online,
                        language=language, country_code=country_code,
                        created_by_id=actor.id if actor else None)
    db.session.add(slot)
    db.session.commit()
    registrations.ensure_activity(OWNER, slot.id, capacity=1, promote_to="registered")
    return slot


def upcoming(now: datetime | None = None) -> list[SlotRow]:
    """Future slots, soonest first, each with whether its one seat is taken (one query)."""
    now = now or utcnow()
    rows = db.session.execute(
        select(CoachingSlot, RegistrationActivity.seats_taken)
        .outerjoin(RegistrationActivity, and_(RegistrationActivity.owner == OWNER,
                                              RegistrationActivity.external_id == CoachingSlot.id))
        .where(CoachingSlot.starts_at > now).order_by(CoachingSlot.starts_at).limit(200))
    return [SlotRow(slot, bool(taken)) for slot, taken in rows]


def activity_of(slot: CoachingSlot) -> RegistrationActivity:
    activity = registrations.find_activity(OWNER, slot.id)
    if activity is None:
        activity = registrations.ensure_activity(OWNER, slot.id, capacity=1,
                                                 promote_to="registered")
    return activity


def booking_of(slot: CoachingSlot, user: User) -> Registration | None:
    return registrations.registration_of(activity_of(slot), user)


def bookings(slot: CoachingSlot) -> list[Registration]:
    return registrations.registrations_for(activity_of(slot))


def book(slot: CoachingSlot, user: User) -> Registration:
    """Take the slot, or its waiting list when someone was faster."""
    if slot.starts_at <= utcnow():
        raise TrainingError(_("This coaching session has already started."))
    if slot.coach_id == user.id:
        raise TrainingError(_("You cannot book your own coaching session."))
    return registrations.register(activity_of(slot), user, organisation_id=user.organisation_id,
                                  actor=user)


def cancel_own(slot: CoachingSlot, user: User) -> Registration:
    booking = booking_of(slot, user)
    if booking is None:
        raise TrainingError(_("You have not booked this coaching session."))
    return registrations.transition(booking, "withdraw", user)


def coach_step(slot: CoachingSlot, registration_id: int, action: str, actor: User) -> (
        Registration):
    """The coach (or a manager) cancels a booking or records attendance."""
    if action not in COACH_ACTIONS:
        raise TrainingError(_("Unknown action."))
    if not can_run(actor, slot):
        raise PermissionError(action)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.activity_id != activity_of(slot).id:
        raise LookupError(registration_id)
    return registrations.transition(registration, action, actor)


def delete_slot(slot: CoachingSlot) -> None:
    """Only a slot nobody ever booked disappears; otherwise cancel the booking instead."""
    if bookings(slot):
        raise TrainingError(_("Someone has booked this slot: cancel the booking instead."))
    db.session.delete(slot)
    db.session.commit()


def coach_slots(user: User) -> list[CoachingSlot]:
    return list(db.session.scalars(select(CoachingSlot).where(CoachingSlot.coach_id == user.id)
                                   .order_by(CoachingSlot.starts_at.desc()).limit(100)))


def bookings_of(user: User) -> list[tuple[Registration, CoachingSlot]]:
    """One person's coaching bookings, newest first, with their slots."""
    mine = registrations.registrations_of(user, OWNER)
    slots = {s.id: s for s in db.session.scalars(select(CoachingSlot).where(
        CoachingSlot.id.in_({r.activity.external_id for r in mine})))} if mine else {}
    return [(r, slots[r.activity.external_id]) for r in mine if r.activity.external_id in slots]
