"""Registering for events through the core registrations service (owner ``webinars.event``):
the calendar decides *when* one may register; seats, waitlist and promotions are the core's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from crpm_plugins.webinars.models import OWNER, WebinarEvent
from flask_babel import gettext as _
from sqlalchemy import select

from crpm_cms.plugin_api import (
    Registration,
    RegistrationActivity,
    RegistrationError,
    User,
    db,
    registrations,
    utcnow,
)

ACTIVE_STATES = ("registered", "waitlisted", "attended", "no_show")
ATTENDANCE_ACTIONS = {"attended": "mark_attended", "no_show": "mark_no_show"}


def activity(event: WebinarEvent) -> RegistrationActivity:
    """The event's activity in the core service (made on first use)."""
    found = registrations.find_activity(OWNER, event.id)
    return found or registrations.ensure_activity(OWNER, event.id, capacity=event.capacity,
                                         starts_on=event.starts_at.date())


def closed_reason(event: WebinarEvent, now: datetime | None = None) -> str | None:
    """Why nobody can register now, or None when registration is open."""
    now = now or utcnow()
    if event.status == "cancelled":
        return _("This event is cancelled.")
    if event.status == "postponed":
        return _("This event is postponed: registration reopens when its new date is set.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Registration has not opened yet.")
    closes = event.registration_closes_at or event.starts_at
    if now >= min(closes, event.starts_at):
        return _("Registration is closed.")
    return None


def register(event: WebinarEvent, user: User) -> Registration:
    """A seat if one is free, else the waiting list; RegistrationError when closed."""
    reason = closed_reason(event)
    if reason:
        raise RegistrationError(reason)
    return registrations.register(activity(event), user, organisation_id=user.organisation_id)


def withdraw(event: WebinarEvent, user: User) -> Registration:
    """The person cancels; the core gives the seat to the first person waiting."""
    registration = registration_of(event, user)
    if registration is None:
        raise RegistrationError(_("You are not registered for this event."))
    if event.ends_at <= utcnow():
        raise RegistrationError(_("This event is over."))
    return registrations.transition(registration, "withdraw", user)


def registration_of(event: WebinarEvent, user: User | None) -> Registration | None:
    if user is None or not user.is_authenticated:
        return None
    found = registrations.find_activity(OWNER, event.id)
    return registrations.registration_of(found, user) if found else None


def seats(event: WebinarEvent) -> dict[str, int | None]:
    return registrations.counts(activity(event))


def seats_left_of(event_ids: Iterable[int]) -> dict[int, int | None]:
    """Seats left per event in one query (None: unlimited), for lists and the API."""
    rows = db.session.execute(select(
        RegistrationActivity.external_id, RegistrationActivity.capacity,
        RegistrationActivity.seats_taken).where(
        RegistrationActivity.owner == OWNER,
        RegistrationActivity.external_id.in_(list(event_ids))))
    return {event_id: None if capacity is None else max(capacity - taken, 0)
            for event_id, capacity, taken in rows}


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None when not on the waiting list."""
    if registration.state != "waitlisted":
        return None
    ahead = registrations.registrations_for(registration.activity, ["waitlisted"])
    return next((n for n, other in enumerate(ahead, 1) if other.id == registration.id), None)


def participants(event: WebinarEvent) -> list[Registration]:
    """Everyone who registered, in queue order, with their current state."""
    found = registrations.find_activity(OWNER, event.id)
    return registrations.registrations_for(found) if found else []


def events_of(user: User, states: Iterable[str] = ACTIVE_STATES
              ) -> list[tuple[WebinarEvent, Registration]]:
    """The person's events (soonest first) with their registration, for the account and feed."""
    mine = {r.activity.external_id: r for r in registrations.registrations_of(user, OWNER, states)}
    if not mine:
        return []
    events = db.session.scalars(select(WebinarEvent).where(
        WebinarEvent.id.in_(mine)).order_by(WebinarEvent.starts_at))
    return [(event, mine[event.id]) for event in events]


def mark_attendance(event: WebinarEvent, marks: Mapping[int, str], actor: User) -> int:
    """Apply ``{registration id: "attended" | "no_show"}``; returns how many changed.
    Unknown ids and marks that would not change anything are left alone."""
    by_id = {registration.id: registration for registration in participants(event)}
    changed = 0
    for registration_id, mark in marks.items():
        registration = by_id.get(registration_id)
        action = ATTENDANCE_ACTIONS.get(mark)
        if registration is None or action is None or registration.state == mark:
            continue
        registrations.transition(registration, action, actor)
        changed += 1
    return changed
