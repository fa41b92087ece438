"""Seats under concurrency: the write transaction every change runs in, and the seat counters.

Each change locks its activity row first (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN
IMMEDIATE`` on SQLite), so changes to one activity run one after the other and always take locks
in the same order (no deadlocks). Seats themselves are only ever taken by a conditional
``UPDATE … WHERE seats_taken < capacity`` checked by its row count, never by reading a count and
inserting: even a writer that skipped the lock could not overbook. A busy database ("database is
locked", a deadlock or serialisation failure) rolls back and retries the whole unit.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, Update, and_, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import lazyload

from crpm_cms.events import emit
from crpm_cms.extensions import db
from crpm_cms.hookspecs import Event
from crpm_cms.registrations.models import (
    Registration,
    RegistrationActivity,
    RegistrationQuota,
    RegistrationTransition,
)
from crpm_cms.registrations.rules import OFFER_STATES, RegistrationError
from crpm_cms.timezones import utcnow

T = TypeVar("T")
ATTEMPTS = 12
FULL, QUOTA = "full", "quota"
_RETRY_SQLSTATES = {"40001", "40P01", "55P03", "23505"}  # serialisation, deadlock, lock, unique
_RETRY_SQLITE = ("database is locked", "database table is locked", "unique constraint failed")


@dataclass
class Work:
    """One unit of work: its clock, the events to emit after commit, an error to raise then.

    Unless the caller fixed the clock, ``now`` is read again once the activity is locked, so
    queue times follow the order in which changes really happen.
    """

    now: datetime
    fixed_clock: bool = False
    events: list[Event] = field(default_factory=list)
    error_after_commit: RegistrationError | None = None


def run(unit: Callable[[Work], T], now: datetime | None = None) -> T:
    """Run ``unit`` in one short write transaction, retried while the database is busy; commit,
    then emit its events (so handlers see committed data and a rollback sends nothing)."""
    for attempt in range(ATTEMPTS):
        work = Work(now or utcnow(), fixed_clock=now is not None)
        try:
            _begin_write()
            result = unit(work)
            db.session.commit()
        except DBAPIError as error:
            db.session.rollback()
            if attempt + 1 == ATTEMPTS or not _retryable(error):
                raise
            time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))
            continue
        except BaseException:
            db.session.rollback()
            raise
        for event in work.events:
            emit(event)
        if work.error_after_commit is not None:
            raise work.error_after_commit
        return result
    raise AssertionError("unreachable")  # pragma: no cover


def _begin_write() -> None:
    """SQLite: take the write lock now, so the reads that decide a change see the latest data and
    the later write cannot fail half-way (a deferred transaction would get 'database is locked')."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _retryable(error: DBAPIError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in _RETRY_SQLSTATES:
        return True
    message = str(error.orig).lower()
    if isinstance(error, IntegrityError):
        return sqlstate is None and "unique constraint failed" in message
    return sqlstate is None and any(text in message for text in _RETRY_SQLITE)


def lock_activity(work: Work, activity_id: int) -> RegistrationActivity:
    """The activity row, locked for this transaction and freshly read."""
    activity = db.session.scalar(
        select(RegistrationActivity).where(RegistrationActivity.id == activity_id)
        .options(lazyload(RegistrationActivity.quotas))  # only ensure_activity needs them
        .with_for_update().execution_options(populate_existing=True))
    if activity is None:
        raise RegistrationError(_("This activity no longer takes registrations."))
    if not work.fixed_clock:
        work.now = utcnow()
    return activity


def _changed(statement: Update) -> bool:
    # The ORM answers an UPDATE with a CursorResult; its type says only Result.
    result = cast(CursorResult[Any], db.session.execute(
        statement.execution_options(synchronize_session=False)))
    return result.rowcount == 1


def _matching_quotas(activity_id: int, country: str | None, sex: str | None) -> list[int]:
    """The quota rows that limit a person with these snapshots, in id order (lock order)."""
    return list(db.session.scalars(
        select(RegistrationQuota.id).where(
            RegistrationQuota.activity_id == activity_id,
            or_(and_(RegistrationQuota.dimension == "country", RegistrationQuota.value == country),
                and_(RegistrationQuota.dimension == "sex", RegistrationQuota.value == sex)))
        .order_by(RegistrationQuota.id)))


def _give_back(activity_id: int | None, quota_ids: list[int]) -> None:
    if activity_id is not None:
        _changed(update(RegistrationActivity)
                 .where(RegistrationActivity.id == activity_id,
                        RegistrationActivity.seats_taken > 0)
                 .values(seats_taken=RegistrationActivity.seats_taken - 1))
    for quota_id in quota_ids:
        _changed(update(RegistrationQuota)
                 .where(RegistrationQuota.id == quota_id, RegistrationQuota.taken > 0)
                 .values(taken=RegistrationQuota.taken - 1))


def take_seat(activity_id: int, country: str | None, sex: str | None) -> str | None:
    """Take one seat (and one place in each matching quota); None on success, else FULL or QUOTA
    with nothing taken."""
    if not _changed(update(RegistrationActivity)
                    .where(RegistrationActivity.id == activity_id,
                           or_(RegistrationActivity.capacity.is_(None),
                               RegistrationActivity.seats_taken < RegistrationActivity.capacity))
                    .values(seats_taken=RegistrationActivity.seats_taken + 1)):
        return FULL
    taken: list[int] = []
    for quota_id in _matching_quotas(activity_id, country, sex):
        if not _changed(update(RegistrationQuota)
                        .where(RegistrationQuota.id == quota_id,
                               RegistrationQuota.taken < RegistrationQuota.seats)
                        .values(taken=RegistrationQuota.taken + 1)):
            _give_back(activity_id, taken)
            return QUOTA
        taken.append(quota_id)
    return None


def free_seat(activity_id: int, country: str | None, sex: str | None) -> None:
    _give_back(activity_id, _matching_quotas(activity_id, country, sex))


def offer_expiry(activity: RegistrationActivity, state: str, now: datetime) -> datetime | None:
    if state in OFFER_STATES and activity.offer_days:
        return now + timedelta(days=activity.offer_days)
    return None


def record(work: Work, activity: RegistrationActivity, registration: Registration, action: str,
           from_state: str | None, actor_id: int | None, note: str = "") -> None:
    """The history row and the event of one transition (emitted after commit)."""
    db.session.add(RegistrationTransition(
        registration_id=registration.id, from_state=from_state, to_state=registration.state,
        action=action, actor_id=actor_id, at=work.now, note=note))
    work.events.append(Event("registration.changed", actor_id, {
        "owner": activity.owner, "external_id": activity.external_id,
        "registration_id": registration.id, "user_id": registration.user_id, "action": action,
        "from": from_state, "to": registration.state}))


def move(work: Work, activity: RegistrationActivity, registration: Registration, action: str,
         to_state: str, actor_id: int | None, note: str = "", **values: object) -> None:
    """Change the state with a conditional UPDATE (it must still be the state we read)."""
    from_state = registration.state
    result = cast(CursorResult[Any], db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.state == from_state)
        .values(state=to_state, updated_at=work.now,
                offer_expires_at=offer_expiry(activity, to_state, work.now), **values)))
    if result.rowcount != 1:
        raise RegistrationError(_("This registration changed meanwhile; please try again."))
    record(work, activity, registration, action, from_state, actor_id, note)


def _full_quotas(activity_id: int) -> set[tuple[str, str]]:
    return {(dimension, value) for dimension, value in db.session.execute(
        select(RegistrationQuota.dimension, RegistrationQuota.value).where(
            RegistrationQuota.activity_id == activity_id,
            RegistrationQuota.taken >= RegistrationQuota.seats))}


def promote(work: Work, activity: RegistrationActivity) -> None:
    """Fill free seats from the waiting list, first come first served, skipping people whose
    quota is full; each promotion is its own transition and event.

    Reads only the queue's columns, and skips people of a full quota without trying their
    seat (the activity is locked, so quotas cannot change meanwhile); the conditional UPDATE
    stays the judge of every seat taken.
    """
    action = "promote" if activity.promote_to == "registered" else "offer"
    queue = db.session.execute(
        select(Registration.id, Registration.country_code, Registration.sex)
        .where(Registration.activity_id == activity.id, Registration.state == "waitlisted")
        .order_by(Registration.queued_at, Registration.id)).all()
    full = _full_quotas(activity.id) if queue else set()
    for registration_id, country, sex in queue:
        if ("country", country) in full or ("sex", sex) in full:
            continue
        blocked = take_seat(activity.id, country, sex)
        if blocked == FULL:
            return
        if blocked is None:
            person = db.session.get_one(Registration, registration_id, populate_existing=True)
            move(work, activity, person, action, activity.promote_to, None)
            full = _full_quotas(activity.id)
