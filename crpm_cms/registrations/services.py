"""The registration service: seats, capacity, waiting lists and participant states.

Plugins (webinars, training) call these functions and never touch the tables: every rule is in
``rules.TRANSITIONS``, every seat is taken in ``seats``. Each write function commits one short
transaction and then emits one ``registration.changed`` event per transition (promotions
included), so a plugin's ``handle_event`` can send exactly one e-mail per change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import partial
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, inspect, select

from crpm_cms.extensions import Model, db
from crpm_cms.registrations import seats
from crpm_cms.registrations.models import (
    Registration,
    RegistrationActivity,
    RegistrationQuota,
    RegistrationTransition,
)
from crpm_cms.registrations.rules import (
    ACTION_LABELS,
    ENDED_STATES,
    NEW,
    PROMOTE_TO,
    QUOTA_DIMENSIONS,
    SEAT_STATES,
    STATE_LABELS,
    STATES,
    TRANSITIONS,
    WAITLIST_FALLBACK,
    RegistrationError,
    allowed_actions,
    holds_seat,
)
from crpm_cms.registrations.statistics import participation_statistics
from crpm_cms.timezones import utcnow
from crpm_cms.users.models import User

__all__ = ["ACTION_LABELS", "ENDED_STATES", "NEW", "SEAT_STATES", "STATES", "STATE_LABELS",
           "TRANSITIONS", "RegistrationError", "allowed_actions", "apply", "counts",
           "delete_activity", "ensure_activity", "expire_offers", "find_activity", "history",
           "participation_statistics", "register", "registration_of", "registrations_for",
           "registrations_of", "transition"]


# -- activities -----------------------------------------------------------------------------------


def _check_settings(capacity: int | None, promote_to: str, offer_days: int | None,
                    quotas: dict[str, dict[str, int]] | None) -> None:
    def whole(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    if capacity is not None and not whole(capacity):
        raise RegistrationError(_("The number of seats must be a whole number, zero or more."))
    if promote_to not in PROMOTE_TO:
        raise RegistrationError(_("People on the waiting list can only be registered or "
                                  "offered a seat."))
    if offer_days is not None and (not whole(offer_days) or offer_days < 1):
        raise RegistrationError(_("The time to confirm an offer must be at least one day."))
    for dimension, limits in (quotas or {}).items():
        if dimension not in QUOTA_DIMENSIONS:
            raise RegistrationError(_("A quota applies to a country or to a sex."))
        if not all(isinstance(value, str) and value and whole(limit)
                   for value, limit in limits.items()):
            raise RegistrationError(_("Each quota needs a value and a whole number of seats, "
                                      "zero or more."))


def _set_quotas(activity: RegistrationActivity, quotas: dict[str, dict[str, int]]) -> None:
    """Replace the quota rows; a new quota starts with the seats its people already hold."""
    wanted = {(dimension, value): limit for dimension, limits in quotas.items()
              for value, limit in limits.items()}
    for quota in list(activity.quotas):
        key = (quota.dimension, quota.value)
        if key in wanted:
            quota.seats = wanted.pop(key)
        else:
            db.session.delete(quota)
    for (dimension, value), limit in wanted.items():
        column = Registration.country_code if dimension == "country" else Registration.sex
        taken = db.session.scalar(select(func.count()).where(
            Registration.activity_id == activity.id, Registration.state.in_(SEAT_STATES),
            column == value))
        db.session.add(RegistrationQuota(activity_id=activity.id, dimension=dimension,
                                         value=value, seats=limit, taken=taken or 0))
    db.session.flush()


def ensure_activity(owner: str, external_id: int, *, capacity: int | None,
                    promote_to: str = "registered", offer_days: int | None = None,
                    quotas: dict[str, dict[str, int]] | None = None,
                    starts_on: date | None = None) -> RegistrationActivity:
    """Create or update the activity of a plugin row, and commit.

    ``quotas`` is ``{"country": {"SN": 5}, "sex": {"woman": 10}}``; None leaves the quotas as
    they are, ``{}`` removes them. Lowering the capacity never evicts anyone; raising it (or a
    quota) promotes the waiting list at once. ``starts_on`` (None = unchanged) dates the
    activity for participation statistics by period.
    """
    _check_settings(capacity, promote_to, offer_days, quotas)

    def unit(work: seats.Work) -> int:
        found = find_activity(owner, external_id)
        if found is None:
            found = RegistrationActivity(owner=owner, external_id=external_id, seats_taken=0)
            db.session.add(found)
            db.session.flush()
        activity = seats.lock_activity(work, found.id)
        activity.capacity, activity.promote_to = capacity, promote_to
        activity.offer_days = offer_days
        if starts_on is not None:
            activity.starts_on = starts_on
        if quotas is not None:
            _set_quotas(activity, quotas)
        db.session.flush()
        seats.promote(work, activity)
        return activity.id

    activity_id = seats.run(unit)
    return db.session.get_one(RegistrationActivity, activity_id)


def find_activity(owner: str, external_id: int) -> RegistrationActivity | None:
    return db.session.scalar(select(RegistrationActivity).where(
        RegistrationActivity.owner == owner, RegistrationActivity.external_id == external_id))


def delete_activity(owner: str, external_id: int) -> None:
    """Forget an activity and all its registrations (when the plugin deletes its row)."""
    db.session.execute(delete(RegistrationActivity).where(
        RegistrationActivity.owner == owner, RegistrationActivity.external_id == external_id))
    db.session.commit()


# -- registering and applying ---------------------------------------------------------------------


def _row_id(instance: Model) -> int:
    """The primary key without reloading the object (which fails if its row was deleted)."""
    identity = inspect(instance).identity
    assert identity is not None, "only a stored row has a primary key"
    return identity[0]


def _load(activity_id: int, user_id: int) -> Registration | None:
    return db.session.scalar(
        select(Registration)
        .where(Registration.activity_id == activity_id, Registration.user_id == user_id)
        .execution_options(populate_existing=True))


def _enter(work: seats.Work, activity: RegistrationActivity, user: User, action: str,
           details: dict[str, Any], actor_id: int | None, note: str = "") -> Registration:
    """A new or renewed registration (``register`` or ``apply``): fresh snapshots of country and
    sex, back to the end of the queue; an active registration is returned unchanged."""
    registration = _load(activity.id, user.id)
    if registration is not None and registration.state not in TRANSITIONS[action]:
        return registration  # already active: idempotent
    from_state = NEW if registration is None else registration.state
    to_state = TRANSITIONS[action][from_state]
    if holds_seat(to_state) and seats.take_seat(activity.id, user.country_code, user.gender):
        to_state = "waitlisted"
    values = {"organisation_id": details.get("organisation_id") or user.organisation_id,
              "answers": details.get("answers") or {}, "country_code": user.country_code,
              "sex": user.gender, "queued_at": work.now}
    if registration is None:
        registration = Registration(activity_id=activity.id, user_id=user.id, state=to_state,
                                    created_at=work.now, updated_at=work.now,
                                    offer_expires_at=seats.offer_expiry(activity, to_state,
                                                                        work.now), **values)
        db.session.add(registration)
        db.session.flush()
        seats.record(work, activity, registration, action, None, actor_id, note)
    else:
        seats.move(work, activity, registration, action, to_state, actor_id, note, **values)
    return registration


def _enter_unit(activity_id: int, user: User, action: str, details: dict[str, Any],
                actor: User | None) -> Registration:
    actor_id = actor.id if actor is not None else user.id

    def unit(work: seats.Work) -> int:
        activity = seats.lock_activity(work, activity_id)
        return _enter(work, activity, user, action, details, actor_id).id

    return db.session.get_one(Registration, seats.run(unit))


def register(activity: RegistrationActivity, user: User, *, organisation_id: int | None = None,
             answers: dict | None = None, actor: User | None = None) -> Registration:
    """Open registration: a seat if one (and the person's quotas) is free, else the waiting list.

    Re-registering after a cancellation, withdrawal, rejection or expiry reuses the row at the
    end of the queue; an already active registration is returned unchanged. ``organisation_id``
    defaults to the person's organisation; ``actor`` defaults to the person.
    """
    details = {"organisation_id": organisation_id, "answers": answers}
    return _enter_unit(_row_id(activity), user, "register", details, actor)


def apply(activity: RegistrationActivity, user: User, *, organisation_id: int | None = None,
          answers: dict | None = None, actor: User | None = None) -> Registration:
    """An application (state ``applied``, no seat yet) for activities with approval."""
    details = {"organisation_id": organisation_id, "answers": answers}
    return _enter_unit(_row_id(activity), user, "apply", details, actor)


# -- transitions ----------------------------------------------------------------------------------


def _refuse(action: str, state: str) -> RegistrationError:
    if action not in TRANSITIONS:
        return RegistrationError(_("Unknown registration action."))
    return RegistrationError(_("“%(action)s” is not possible for a registration that is "
                               "%(state)s.", action=ACTION_LABELS[action],
                               state=STATE_LABELS[state]))


def _step(work: seats.Work, activity: RegistrationActivity, registration: Registration,
          action: str, actor_id: int | None, note: str) -> None:
    """One allowed action on a locked, freshly read registration: seats, state, promotions."""
    from_state = registration.state
    to_state = TRANSITIONS[action][from_state]
    if holds_seat(to_state) and not holds_seat(from_state):
        blocked = seats.take_seat(activity.id, registration.country_code, registration.sex)
        if blocked and action not in WAITLIST_FALLBACK:
            raise RegistrationError(_("No seat is free for this person (the activity or their "
                                      "quota is full)."))
        to_state = "waitlisted" if blocked else to_state
    seats.move(work, activity, registration, action, to_state, actor_id, note)
    if holds_seat(from_state) and not holds_seat(to_state):
        seats.free_seat(activity.id, registration.country_code, registration.sex)
        seats.promote(work, activity)


def _offer_is_past(registration: Registration, now: datetime) -> bool:
    return registration.offer_expires_at is not None and registration.offer_expires_at <= now


def transition(registration: Registration, action: str, actor: User | None, *,
               note: str = "") -> Registration:
    """Apply ``action`` (a key of TRANSITIONS) or raise RegistrationError; ``actor`` None means
    the system. Confirming an offer past its date expires it instead (and says so)."""
    registration_id = _row_id(registration)
    actor_id = actor.id if actor is not None else None

    def unit(work: seats.Work) -> None:
        activity_id = db.session.scalar(select(Registration.activity_id)
                                        .where(Registration.id == registration_id))
        if activity_id is None:
            raise RegistrationError(_("This registration no longer exists."))
        activity = seats.lock_activity(work, activity_id)
        current = db.session.get_one(Registration, registration_id, populate_existing=True)
        if current.state not in TRANSITIONS.get(action, {}):
            raise _refuse(action, current.state)
        if action in ("register", "apply"):
            details = {"answers": current.answers, "organisation_id": current.organisation_id}
            _enter(work, activity, current.user, action, details, actor_id, note)
        elif action == "expire" and not _offer_is_past(current, work.now):
            raise RegistrationError(_("This offer has not reached its date yet."))
        elif action == "confirm" and _offer_is_past(current, work.now):
            _step(work, activity, current, "expire", None, note)
            work.error_after_commit = RegistrationError(
                _("This offer has expired: the seat went to the next person waiting."))
        else:
            _step(work, activity, current, action, actor_id, note)

    seats.run(unit)
    return db.session.get_one(Registration, registration_id)


def expire_offers(now: datetime | None = None) -> int:
    """Expire every offer past its date and pass the seats on; returns how many expired.

    Idempotent and safe to run twice at once: each offer is re-read under its activity's lock
    and changed by a conditional UPDATE, so it expires once and emits one event.
    """
    moment = now or utcnow()
    due = db.session.execute(
        select(Registration.id, Registration.activity_id)
        .where(Registration.state.in_(("approved", "offered")),
               Registration.offer_expires_at <= moment)
        .order_by(Registration.activity_id, Registration.offer_expires_at)).all()
    by_activity: dict[int, list[int]] = {}
    for registration_id, activity_id in due:
        by_activity.setdefault(activity_id, []).append(registration_id)
    expired = 0
    for activity_id, registration_ids in by_activity.items():
        expired += seats.run(partial(_expire, activity_id=activity_id,
                                     registration_ids=registration_ids), now=moment)
    return expired


def _expire(work: seats.Work, activity_id: int, registration_ids: list[int]) -> int:
    activity = seats.lock_activity(work, activity_id)
    count = 0
    for registration_id in registration_ids:
        current = db.session.get(Registration, registration_id, populate_existing=True)
        if current is not None and current.state in TRANSITIONS["expire"] \
                and _offer_is_past(current, work.now):
            _step(work, activity, current, "expire", None, "")
            count += 1
    return count


# -- reading --------------------------------------------------------------------------------------


def registration_of(activity: RegistrationActivity, user: User) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.activity_id == activity.id, Registration.user_id == user.id))


def registrations_for(activity: RegistrationActivity,
                      states: Iterable[str] | None = None) -> list[Registration]:
    """The activity's registrations in queue order (``queued_at``, then id)."""
    query = select(Registration).where(Registration.activity_id == activity.id)
    if states is not None:
        query = query.where(Registration.state.in_(list(states)))
    return list(db.session.scalars(query.order_by(Registration.queued_at, Registration.id)))


def registrations_of(user: User, owner: str | None = None,
                     states: Iterable[str] | None = None) -> list[Registration]:
    """One person's registrations (for their account page or personal feed), newest first."""
    query = select(Registration).join(Registration.activity).where(Registration.user_id == user.id)
    if owner is not None:
        query = query.where(RegistrationActivity.owner == owner)
    if states is not None:
        query = query.where(Registration.state.in_(list(states)))
    return list(db.session.scalars(query.order_by(Registration.created_at.desc(),
                                                  Registration.id.desc())))


def counts(activity: RegistrationActivity) -> dict[str, int | None]:
    """How many people are in each state, plus ``seats_left`` (None when unlimited)."""
    rows = db.session.execute(
        select(Registration.state, func.count()).where(Registration.activity_id == activity.id)
        .group_by(Registration.state)).all()
    result: dict[str, int | None] = dict.fromkeys(STATES, 0)
    result.update({state: number for state, number in rows})
    capacity, taken = db.session.execute(
        select(RegistrationActivity.capacity, RegistrationActivity.seats_taken)
        .where(RegistrationActivity.id == activity.id)).one()
    result["seats_left"] = None if capacity is None else max(capacity - taken, 0)
    return result


def history(registration: Registration) -> list[RegistrationTransition]:
    """Every transition of a registration, oldest first."""
    return list(db.session.scalars(
        select(RegistrationTransition)
        .where(RegistrationTransition.registration_id == registration.id)
        .order_by(RegistrationTransition.at, RegistrationTransition.id)))
