"""No overbooking, ever: real concurrent calls from several processes, each with its own app
instance on the test's database (SQLite file or PostgreSQL), started together by a barrier.

The outcome is checked against a replay of what the database recorded: taking every
registration and withdrawal in commit order (their transition ids), a simple sequential model
of seats, quotas and first-come-first-served promotion must give exactly the final states.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from crpm_cms import create_app
from crpm_cms.extensions import db
from crpm_cms.registrations import services as registrations
from crpm_cms.registrations.models import (
    Registration,
    RegistrationActivity,
    RegistrationQuota,
    RegistrationTransition,
)
from crpm_cms.testing import base_config
from crpm_cms.timezones import utcnow
from crpm_cms.users.models import User
from tests.test_registrations import Recorder, make_people, seats_taken

pytestmark = pytest.mark.slow  # five processes at once

PROCESSES = 5
TIMEOUT = 120  # seconds: a bound, never reached when things work


# -- running calls in several processes -----------------------------------------------------------


def _register(argument: tuple[int, int]) -> str:
    activity = db.session.get_one(RegistrationActivity, argument[0])
    return registrations.register(activity, db.session.get_one(User, argument[1])).state


def _withdraw(registration_id: int) -> str:
    registration = db.session.get_one(Registration, registration_id)
    return registrations.transition(registration, "withdraw", registration.user).state


def _expire(moment: str) -> int:
    return registrations.expire_offers(datetime.fromisoformat(moment))


JOBS: dict[str, Callable] = {"register": _register, "withdraw": _withdraw, "expire": _expire}


def _child(settings: dict, job: str, arguments: list, start, results) -> None:  # noqa: ANN001
    """One worker process: its own app, one thread per call, all released by the barrier."""
    app = create_app(settings)
    recorder = Recorder()
    app.extensions["crpm_plugins"].pm.register(recorder, name="registrations-recorder")

    def call(argument: object) -> object:
        with app.app_context():
            start.wait(timeout=TIMEOUT)
            try:
                return JOBS[job](argument)
            except Exception as error:  # noqa: BLE001  (reported to the test, which fails)
                return f"error: {error!r}"

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        answers = list(pool.map(call, arguments))
    results.put((answers, [(e.payload["registration_id"], e.payload["action"])
                           for e in recorder.events]))


def in_processes(settings: dict, job: str, arguments: list) -> tuple[list, list]:
    """Run ``job`` once per argument, spread over PROCESSES processes, all at the same moment.

    Forked (cheap to start); each child builds its own app, engine and connections and never
    touches the parent's."""
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(len(arguments)), context.Queue()
    shares = [arguments[number::PROCESSES] for number in range(PROCESSES)]
    workers = [context.Process(target=_child, args=(settings, job, share, start, results))
               for share in shares if share]
    for worker in workers:
        worker.start()
    collected = [results.get(timeout=TIMEOUT) for _ in workers]
    for worker in workers:
        worker.join(timeout=TIMEOUT)
    answers = [answer for part, _events in collected for answer in part]
    events = [event for _part, part in collected for event in part]
    return answers, events


def settings_of(tmp_path: Path, database_url: str) -> dict:
    return base_config(tmp_path / "instance", database_url)


# -- the sequential model the outcome must match --------------------------------------------------


def replay(activity_id: int, capacity: int, quotas: dict[str, dict[str, int]],
           people: dict[int, tuple[str, str]]) -> dict[int, str]:
    """Final states predicted from the committed order of registrations and withdrawals."""
    moves = db.session.execute(
        select(RegistrationTransition.action, Registration.user_id)
        .join(Registration, Registration.id == RegistrationTransition.registration_id)
        .where(Registration.activity_id == activity_id,
               RegistrationTransition.action.in_(("register", "withdraw")))
        .order_by(RegistrationTransition.id)).all()
    states: dict[int, str] = {}
    waiting: list[int] = []

    def fits(user_id: int) -> bool:
        seated = [p for p, state in states.items() if state == "registered"]
        if len(seated) >= capacity:
            return False
        return all(sum(people[p][index] == value for p in seated) < limit
                   for index, dimension in enumerate(("country", "sex"))
                   for value, limit in quotas.get(dimension, {}).items()
                   if people[user_id][index] == value)

    for action, user_id in moves:
        if action == "register":
            states[user_id] = "registered" if fits(user_id) else "waitlisted"
            waiting += [user_id] if states[user_id] == "waitlisted" else []
            continue
        states[user_id] = "withdrawn"
        waiting = [p for p in waiting if p != user_id]
        for candidate in list(waiting):
            if fits(candidate):
                states[candidate] = "registered"
                waiting.remove(candidate)
    return states


def final_states(activity: RegistrationActivity) -> dict[int, str]:
    db.session.expire_all()
    return {r.user_id: r.state for r in registrations.registrations_for(activity)}


# -- the tests ------------------------------------------------------------------------------------


def test_fifty_people_from_five_processes_into_twenty_seats(app, tmp_path, database_url):
    with app.app_context():
        event = registrations.ensure_activity("test.event", 1, capacity=20)
        people = make_people(50)
        arguments = [(event.id, person.id) for person in people]
        answers, events = in_processes(settings_of(tmp_path, database_url), "register", arguments)

        assert sorted(answers) == ["registered"] * 20 + ["waitlisted"] * 30, answers
        states = final_states(event)
        assert list(states.values()) == ["registered"] * 20 + ["waitlisted"] * 30  # queue order
        assert states == replay(event.id, 20, {}, {p.id: ("SN", "woman") for p in people})
        assert seats_taken(event) == 20
        assert sorted(action for _, action in events) == ["register"] * 50
        assert len({registration_id for registration_id, _ in events}) == 50


def test_quotas_and_promotions_hold_under_concurrency(app, tmp_path, database_url):
    quotas = {"country": {"SN": 6}, "sex": {"man": 5}}
    with app.app_context():
        training = registrations.ensure_activity("test.training", 2, capacity=20,
                                                 quotas=quotas)
        people = [make_people(1, country="SN" if n % 2 else "CI", sex="man" if n % 3 else "woman",
                              prefix=f"q{n}-")[0] for n in range(50)]
        profile = {p.id: (p.country_code, p.gender) for p in people}
        settings = settings_of(tmp_path, database_url)
        answers, _ = in_processes(settings, "register", [(training.id, p.id) for p in people])
        assert not [answer for answer in answers if answer.startswith("error")], answers

        seated = [r.id for r in registrations.registrations_for(training, ["registered"])]
        _, events = in_processes(settings, "withdraw", seated[:8])
        states = final_states(training)
        assert states == replay(training.id, 20, quotas, profile)
        holders = [user for user, state in states.items() if state == "registered"]
        assert len(holders) <= 20 and seats_taken(training) == len(holders)
        for quota in db.session.scalars(select(RegistrationQuota)):
            index = 0 if quota.dimension == "country" else 1
            held = sum(profile[user][index] == quota.value for user in holders)
            assert held == quota.taken <= quota.seats
        promoted = [action for _, action in events if action == "promote"]
        assert len(events) == 8 + len(promoted)


def test_expiring_offers_twice_at_once_expires_each_offer_once(app, tmp_path, database_url):
    with app.app_context():
        training = registrations.ensure_activity("test.training", 3, capacity=6,
                                                 promote_to="offered", offer_days=2)
        people = make_people(10)
        for person in people:
            registrations.transition(registrations.apply(training, person), "approve", None)
        offers = registrations.registrations_for(training, ["approved"])
        for registration in offers:
            registration.offer_expires_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        moment = (utcnow() + timedelta(minutes=1)).isoformat()

        answers, events = in_processes(settings_of(tmp_path, database_url), "expire",
                                       [moment, moment])

        assert sum(answers) == 6, answers  # together they expired each offer once
        expired = sorted(registration_id for registration_id, action in events
                         if action == "expire")
        assert expired == sorted(r.id for r in offers)
        offered = [registration_id for registration_id, action in events if action == "offer"]
        assert sorted(offered) == sorted(
            r.id for r in registrations.registrations_for(training, ["offered"]))
        assert len(offered) == 4 and seats_taken(training) == 4
        assert registrations.expire_offers(datetime.fromisoformat(moment)) == 0
