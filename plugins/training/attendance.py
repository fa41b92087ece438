"""Attendance per session: who was there, recorded by those who manage the training."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from crpm_plugins.training.models import Training, TrainingAttendance, TrainingSession
from crpm_plugins.training.services import TrainingError, activity_of
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crpm_cms.plugin_api import Registration, User, db, registrations, utcnow

# people expected in the room: a confirmed seat, or already marked after the training
PARTICIPANT_STATES = ("registered", "attended", "no_show", "certified")


@dataclass
class SheetRow:
    registration: Registration
    present: bool


def participants(training: Training) -> list[Registration]:
    return registrations.registrations_for(activity_of(training), states=PARTICIPANT_STATES)


def sheet(training: Training, session: TrainingSession) -> list[SheetRow]:
    present = set(db.session.scalars(
        select(TrainingAttendance.registration_id)
        .where(TrainingAttendance.session_id == session.id, TrainingAttendance.present)))
    return [SheetRow(r, r.id in present) for r in participants(training)]


def record(training: Training, session: TrainingSession, present_ids: set[int],
           actor: User) -> int:
    """Save the sheet of one session; returns how many were present."""
    people = {r.id for r in participants(training)}
    existing = {row.registration_id: row for row in db.session.scalars(
        select(TrainingAttendance).where(TrainingAttendance.session_id == session.id))}
    for registration_id in people:
        row = existing.get(registration_id) or TrainingAttendance(
            session_id=session.id, registration_id=registration_id)
        row.present = registration_id in present_ids
        row.recorded_by_id, row.recorded_at = actor.id, utcnow()
        db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # someone saved the same sheet at the same moment
        db.session.rollback()
        raise TrainingError(_("Someone saved this attendance sheet at the same moment: reload "
                              "the page and try again.")) from None
    return len(people & present_ids)


def sessions_attended(training: Training) -> Counter[int]:
    """Sessions each participant (registration id) was present at."""
    session_ids = [s.id for s in training.sessions]
    if not session_ids:
        return Counter()
    return Counter(db.session.scalars(
        select(TrainingAttendance.registration_id)
        .where(TrainingAttendance.session_id.in_(session_ids), TrainingAttendance.present)))
