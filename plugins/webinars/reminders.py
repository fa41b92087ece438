"""Reminders 24 hours and 1 hour before an event, each sent once per person and start time.

A reminder is *claimed* by inserting its row: the unique key (event, person, kind, start) lets
exactly one run win even when cron starts two at once, on SQLite and PostgreSQL alike. The mail
goes out after the claim is committed; if the SMTP server refuses it, the claim is removed so a
later run tries again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from crpm_plugins.webinars import mails
from crpm_plugins.webinars.models import OWNER, ReminderSent, WebinarEvent
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from crpm_cms.plugin_api import Registration, RegistrationActivity, User, db, utcnow

# kind → (opens this long before the start, closes this long before the start)
WINDOWS = {"24h": (timedelta(hours=24), timedelta(hours=1)),
           "1h": (timedelta(hours=1), timedelta(0))}


@dataclass(frozen=True)
class Due:
    event_id: int
    user_id: int
    kind: str
    starts_at: datetime


def due(now: datetime) -> list[Due]:
    """Reminders whose window is open and that were not sent for this start time yet: the
    24-hour one from 24 hours to 1 hour before the start, the 1-hour one in the last hour."""
    found: list[Due] = []
    for kind, (opens, closes) in WINDOWS.items():
        query = (
            select(WebinarEvent.id, Registration.user_id, WebinarEvent.starts_at)
            .join(RegistrationActivity, (RegistrationActivity.owner == OWNER)
                  & (RegistrationActivity.external_id == WebinarEvent.id))
            .join(Registration, Registration.activity_id == RegistrationActivity.id)
            .where(Registration.state == "registered", WebinarEvent.status == "scheduled",
                   WebinarEvent.starts_at > now + closes, WebinarEvent.starts_at <= now + opens)
            .where(~select(ReminderSent.id).where(
                ReminderSent.event_id == WebinarEvent.id,
                ReminderSent.user_id == Registration.user_id, ReminderSent.kind == kind,
                ReminderSent.starts_at == WebinarEvent.starts_at).exists()))
        found += [Due(event_id, user_id, kind, starts_at)
                  for event_id, user_id, starts_at in db.session.execute(query)]
    return found


def claim(reminder: Due) -> int | None:
    """Insert the reminder's row; None when another run already holds it."""
    row = ReminderSent(event_id=reminder.event_id, user_id=reminder.user_id, kind=reminder.kind,
                       starts_at=reminder.starts_at)
    db.session.add(row)
    try:
        db.session.commit()
    except (IntegrityError, OperationalError):
        db.session.rollback()
        return None
    return row.id


def send_due(now: datetime | None = None) -> int:
    """Write every due reminder once into the mail outbox; returns how many this run wrote."""
    sent = 0
    for reminder in due(now or utcnow()):
        claimed = claim(reminder)
        if claimed is None:
            continue
        event = db.session.get(WebinarEvent, reminder.event_id)
        person = db.session.get(User, reminder.user_id)
        if event is None or person is None or not person.is_active:
            continue
        mails.send(person, "reminder", event, with_link=True, kind=reminder.kind)
        sent += 1
    return sent
