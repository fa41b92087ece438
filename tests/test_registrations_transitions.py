"""Every (state, action) pair: the ones in TRANSITIONS work and leave one history row and one
event; every other pair is refused with a French message and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.registrations import services as registrations
from crpm_cms.registrations.models import (
    Registration,
    RegistrationActivity,
    RegistrationTransition,
)
from crpm_cms.registrations.rules import OFFER_STATES, holds_seat
from crpm_cms.registrations.services import STATES, TRANSITIONS, RegistrationError
from crpm_cms.timezones import utcnow
from crpm_cms.users.models import User
from tests.test_registrations import Recorder, ctx, make_people, recorder, seats_taken

__all__ = ["ctx", "recorder"]  # fixtures shared with test_registrations


def craft(action: str) -> dict[str, tuple[Registration, User]]:
    """For each state, a registration already in it (and an actor), each in its own activity
    with one seat still free; offers are past their date only when the action is ``expire``."""
    people = make_people(2 * len(STATES), prefix=f"{action}-")
    offset = timedelta(hours=-1 if action == "expire" else 20)
    crafted = {}
    for number, state in enumerate(STATES):
        activity = RegistrationActivity(owner="test.transitions", external_id=number, capacity=2,
                                        seats_taken=int(holds_seat(state)), offer_days=1,
                                        promote_to="registered")
        db.session.add(activity)
        db.session.flush()
        registration = Registration(
            activity_id=activity.id, user_id=people[2 * number].id, state=state,
            country_code="SN", sex="woman", answers={}, queued_at=utcnow(),
            offer_expires_at=utcnow() + offset if state in OFFER_STATES else None)
        db.session.add(registration)
        crafted[state] = (registration, people[2 * number + 1])
    db.session.commit()
    return crafted


def transitions_of(registration: Registration) -> list[RegistrationTransition]:
    return list(db.session.scalars(select(RegistrationTransition).where(
        RegistrationTransition.registration_id == registration.id)))


def outcome(registration: Registration, actor: User, action: str,
            recorder: Recorder) -> str | None:
    """Run one pair; None when it behaved as the table says, else what went wrong."""
    state = registration.state
    before = len(recorder.events)
    expected = TRANSITIONS[action].get(state)
    try:
        registrations.transition(registration, action, actor, note="walk")
    except RegistrationError as error:
        db.session.rollback()
        if expected is not None:
            return f"refused: {error}"
        unchanged = (registrations.registration_of(registration.activity, actor) is None
                     and db.session.get(Registration, registration.id).state == state
                     and not transitions_of(registration) and len(recorder.events) == before
                     and seats_taken(registration.activity) == int(holds_seat(state)))
        return None if unchanged and "n’est pas possible" in str(error) else f"bad refusal {error}"
    if expected is None:
        return "allowed, but not in the table"
    rows = transitions_of(registration)
    events = recorder.events[before:]
    checks = {
        "state": db.session.get(Registration, registration.id).state == expected,
        "history": [(r.from_state, r.to_state, r.action, r.actor_id, r.note) for r in rows]
        == [(state, expected, action, actor.id, "walk")] and rows[0].at <= utcnow(),
        "event": [(e.actor_id, e.payload["from"], e.payload["to"]) for e in events]
        == [(actor.id, state, expected)],
        "seats": seats_taken(registration.activity) == int(holds_seat(expected)),
    }
    failed = [name for name, passed in checks.items() if not passed]
    return f"allowed but wrong {failed}" if failed else None


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_state_against_one_action(ctx, recorder, action):
    problems = {state: outcome(registration, actor, action, recorder)
                for state, (registration, actor) in craft(action).items()}
    assert {state: problem for state, problem in problems.items() if problem} == {}


# The table of docs/registrations.md, written out independently.
CONTRACT = """
register: none withdrawn cancelled expired rejected -> registered
apply: none withdrawn cancelled expired rejected -> applied
approve: applied -> approved
reject: applied waitlisted -> rejected
offer: waitlisted -> offered
promote: waitlisted -> registered
confirm: approved offered -> registered
withdraw: applied approved offered registered waitlisted -> withdrawn
cancel: applied approved offered registered waitlisted -> cancelled
expire: approved offered -> expired
mark_attended: registered no_show -> attended
mark_no_show: registered attended -> no_show
certify: attended -> certified
"""


def test_the_table_is_the_contracts_table():
    expected = {}
    for line in CONTRACT.strip().splitlines():
        action, rest = line.split(": ")
        sources, target = rest.split(" -> ")
        expected[action] = dict.fromkeys(sources.split(), target)
    assert expected == TRANSITIONS
    assert registrations.NEW == "none"
    assert {target for moves in TRANSITIONS.values() for target in moves.values()} <= set(STATES)
