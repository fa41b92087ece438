"""The core registration service: seats, waiting lists, promotions, offers, re-registration."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.hookspecs import Event, hookimpl
from crpm_cms.registrations import services as registrations
from crpm_cms.registrations.models import RegistrationActivity, RegistrationQuota
from crpm_cms.registrations.services import RegistrationError
from crpm_cms.timezones import utcnow
from crpm_cms.users.models import User


class Recorder:
    """A plugin that keeps every ``registration.changed`` event, as a plugin's mailer would."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    @hookimpl
    def handle_event(self, event: Event) -> None:
        if event.name == "registration.changed":
            self.events.append(event)

    def moves(self) -> list[tuple[int, str, str | None, str]]:
        return [(e.payload["user_id"], e.payload["action"], e.payload["from"], e.payload["to"])
                for e in self.events]


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


@pytest.fixture
def recorder(ctx: Flask) -> Iterator[Recorder]:
    recorder = Recorder()
    manager = ctx.extensions["crpm_plugins"].pm
    manager.register(recorder, name="registrations-recorder")
    yield recorder
    manager.unregister(name="registrations-recorder")


def make_people(count: int, *, country: str | None = "SN", sex: str | None = "woman",
                prefix: str = "person") -> list[User]:
    """Active accounts with a declared country and gender (the snapshots quotas use)."""
    people = [User(email=f"{prefix}{number}@test.crpm", display_name=f"{prefix} {number}",
                   status="active", country_code=country, gender=sex)
              for number in range(count)]
    db.session.add_all(people)
    db.session.commit()
    return people


def states_of(activity: RegistrationActivity) -> list[tuple[int, str]]:
    return [(r.user_id, r.state) for r in registrations.registrations_for(activity)]


def seats_taken(activity: RegistrationActivity) -> int:
    return db.session.scalar(select(RegistrationActivity.seats_taken)
                             .where(RegistrationActivity.id == activity.id))


# -- open registration (webinars) -----------------------------------------------------------------


def test_registration_fills_the_seats_then_the_waiting_list_in_order(ctx, recorder):
    event = registrations.ensure_activity("test.event", 1, capacity=2)
    people = make_people(4)
    for person in people:
        registrations.register(event, person)
    assert states_of(event) == [(people[0].id, "registered"), (people[1].id, "registered"),
                                (people[2].id, "waitlisted"), (people[3].id, "waitlisted")]
    assert registrations.counts(event)["seats_left"] == 0
    assert [move[3] for move in recorder.moves()] == ["registered"] * 2 + ["waitlisted"] * 2
    assert recorder.events[0].payload["owner"] == "test.event"
    assert recorder.events[0].payload["external_id"] == 1
    assert recorder.events[0].actor_id == people[0].id

    registrations.transition(registrations.registration_of(event, people[0]), "withdraw",
                             people[0])
    assert dict(states_of(event))[people[2].id] == "registered"
    assert recorder.moves()[-2:] == [(people[0].id, "withdraw", "registered", "withdrawn"),
                                     (people[2].id, "promote", "waitlisted", "registered")]
    assert recorder.events[-1].actor_id is None  # a promotion is the system's doing
    assert seats_taken(event) == 2


def test_registering_twice_changes_nothing_and_coming_back_goes_to_the_end(ctx, recorder):
    event = registrations.ensure_activity("test.event", 2, capacity=1)
    first, second = make_people(2)
    registration = registrations.register(event, first, answers={"diet": "none"})
    again = registrations.register(event, first, answers={"diet": "vegan"})
    assert again.id == registration.id and again.answers == {"diet": "none"}
    assert len(recorder.events) == 1

    registrations.register(event, second)  # waitlisted
    registrations.transition(registration, "withdraw", first)  # second is promoted
    back = registrations.register(event, first)
    assert back.id == registration.id and back.state == "waitlisted"
    assert registrations.registrations_for(event)[-1].user_id == first.id
    assert [t.to_state for t in registrations.history(back)] == [
        "registered", "withdrawn", "waitlisted"]


def test_lowering_capacity_keeps_everyone_and_raising_it_promotes(ctx, recorder):
    event = registrations.ensure_activity("test.event", 3, capacity=3)
    people = make_people(5)
    for person in people:
        registrations.register(event, person)
    registrations.ensure_activity("test.event", 3, capacity=1)
    assert [state for _, state in states_of(event)].count("registered") == 3
    assert registrations.counts(event)["seats_left"] == 0
    registrations.transition(registrations.registration_of(event, people[0]), "cancel", None)
    assert [state for _, state in states_of(event)].count("registered") == 2  # still over

    registrations.ensure_activity("test.event", 3, capacity=5)
    assert recorder.moves()[-2:] == [(people[3].id, "promote", "waitlisted", "registered"),
                                     (people[4].id, "promote", "waitlisted", "registered")]
    assert registrations.counts(event)["seats_left"] == 1


def test_unlimited_activities_never_waitlist(ctx):
    event = registrations.ensure_activity("test.event", 4, capacity=None)
    for person in make_people(6):
        assert registrations.register(event, person).state == "registered"
    assert registrations.counts(event)["seats_left"] is None
    assert registrations.counts(event)["registered"] == 6


def test_quotas_skip_people_whose_quota_is_full_when_promoting(ctx, recorder):
    event = registrations.ensure_activity("test.training", 5, capacity=3,
                                          quotas={"country": {"SN": 1}})
    senegal = make_people(2, country="SN", prefix="sn")
    ivory = make_people(2, country="CI", prefix="ci")
    for person in (senegal[0], senegal[1], ivory[0], ivory[1]):
        registrations.register(event, person)
    assert dict(states_of(event)) == {senegal[0].id: "registered", senegal[1].id: "waitlisted",
                                      ivory[0].id: "registered", ivory[1].id: "registered"}
    registrations.transition(registrations.registration_of(event, ivory[0]), "withdraw", ivory[0])
    assert dict(states_of(event))[senegal[1].id] == "waitlisted"  # the SN quota is still full
    registrations.ensure_activity("test.training", 5, capacity=3,
                                  quotas={"country": {"SN": 2}})
    assert dict(states_of(event))[senegal[1].id] == "registered"
    quota = db.session.scalar(select(RegistrationQuota))
    assert (quota.seats, quota.taken) == (2, 2)


def test_a_quota_added_later_counts_the_seats_already_held(ctx):
    event = registrations.ensure_activity("test.training", 6, capacity=10)
    women = make_people(3, sex="woman", prefix="w")
    men = make_people(1, sex="man", prefix="m")
    for person in [*women, *men]:
        registrations.register(event, person)
    registrations.ensure_activity("test.training", 6, capacity=10, quotas={"sex": {"woman": 3}})
    late = make_people(1, sex="woman", prefix="late")[0]
    assert registrations.register(event, late).state == "waitlisted"
    assert registrations.register(event, make_people(1, sex="man", prefix="m2")[0]).state \
        == "registered"
    registrations.ensure_activity("test.training", 6, capacity=10, quotas=None)  # unchanged
    assert len(db.session.scalars(select(RegistrationQuota)).all()) == 1
    registrations.ensure_activity("test.training", 6, capacity=10, quotas={})
    assert registrations.registration_of(event, late).state == "registered"


# -- applications with approval and offers (training) ---------------------------------------------


def test_applications_approval_offer_confirmation_and_expiry(ctx, recorder):
    training = registrations.ensure_activity("test.training", 7, capacity=1,
                                             promote_to="offered", offer_days=3)
    first, second = make_people(2)
    admin = make_people(1, prefix="admin")[0]
    applications = [registrations.apply(training, person, answers={"why": "x"})
                    for person in (first, second)]
    assert [a.state for a in applications] == ["applied", "applied"]
    assert registrations.counts(training)["seats_left"] == 1

    approved = registrations.transition(applications[0], "approve", admin, note="ok")
    assert approved.state == "approved"
    assert approved.offer_expires_at > utcnow() + timedelta(days=2, hours=23)
    waiting = registrations.transition(applications[1], "approve", admin)
    assert waiting.state == "waitlisted"  # full: approved onto the waiting list
    last = registrations.history(approved)[-1]
    assert (last.actor_id, last.note, last.action) == (admin.id, "ok", "approve")

    later = utcnow() + timedelta(days=4)
    assert registrations.expire_offers(later) == 1
    assert registrations.expire_offers(later) == 0  # idempotent
    assert registrations.registration_of(training, first).state == "expired"
    offered = registrations.registration_of(training, second)
    assert offered.state == "offered"
    assert offered.offer_expires_at == later + timedelta(days=3)
    assert recorder.moves()[-2:] == [(first.id, "expire", "approved", "expired"),
                                     (second.id, "offer", "waitlisted", "offered")]
    assert registrations.transition(offered, "confirm", second).state == "registered"
    assert registrations.transition(offered, "mark_attended", admin).state == "attended"
    assert registrations.transition(offered, "certify", admin).state == "certified"


def test_confirming_an_offer_past_its_date_expires_it_and_says_so(ctx, recorder):
    training = registrations.ensure_activity("test.training", 8, capacity=1, offer_days=1)
    first, second = make_people(2)
    application = registrations.apply(training, first)
    registrations.transition(application, "approve", None)
    registrations.transition(registrations.apply(training, second), "approve", None)
    application.offer_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(RegistrationError, match="expiré"):
        registrations.transition(application, "confirm", first)
    assert registrations.registration_of(training, first).state == "expired"
    assert registrations.registration_of(training, second).state == "registered"
    assert recorder.moves()[-2:] == [(first.id, "expire", "approved", "expired"),
                                     (second.id, "promote", "waitlisted", "registered")]


def test_an_offer_cannot_be_expired_before_its_date(ctx):
    training = registrations.ensure_activity("test.training", 9, capacity=1, offer_days=2)
    application = registrations.apply(training, make_people(1)[0])
    registrations.transition(application, "approve", None)
    with pytest.raises(RegistrationError, match="date"):
        registrations.transition(application, "expire", None)
    assert registrations.registration_of(training, application.user).state == "approved"


# -- bad input ------------------------------------------------------------------------------------


BAD_SETTINGS = [
    ({"capacity": -1}, "nombre de places"),
    ({"capacity": 2.5}, "nombre de places"),
    ({"capacity": 2, "promote_to": "certified"}, "liste d’attente"),
    ({"capacity": 2, "offer_days": 0}, "au moins un jour"),
    ({"capacity": 2, "quotas": {"age": {"young": 2}}}, "quota"),
    ({"capacity": 2, "quotas": {"sex": {"woman": -2}}}, "quota"),
]


def test_bad_activity_settings_are_refused_in_french_and_change_nothing(ctx):
    registrations.ensure_activity("test.event", 10, capacity=4)
    for settings, words in BAD_SETTINGS:
        with pytest.raises(RegistrationError, match=words):
            registrations.ensure_activity("test.event", 10, **settings)
        activity = registrations.find_activity("test.event", 10)
        assert (activity.capacity, activity.quotas) == (4, []), settings


def test_unknown_action_and_vanished_rows_are_clear_errors(ctx):
    event = registrations.ensure_activity("test.event", 11, capacity=4)
    registration = registrations.register(event, make_people(1)[0])
    with pytest.raises(RegistrationError, match="inconnue"):
        registrations.transition(registration, "teleport", None)
    registrations.delete_activity("test.event", 11)
    with pytest.raises(RegistrationError, match="n’existe plus"):
        registrations.transition(registration, "withdraw", None)
    with pytest.raises(RegistrationError, match="n’accepte plus"):
        registrations.register(event, make_people(1, prefix="late")[0])
    assert registrations.find_activity("test.event", 11) is None


def test_a_persons_registrations_across_activities(ctx):
    person = make_people(1)[0]
    for number in (20, 21):
        registrations.register(registrations.ensure_activity("test.event", number,
                                                             capacity=5), person)
    registrations.apply(registrations.ensure_activity("test.training", 20, capacity=5),
                        person)
    assert len(registrations.registrations_of(person)) == 3
    assert [r.activity.external_id for r in registrations.registrations_of(
        person, "test.event")] == [21, 20]
    assert registrations.registrations_of(person, states=["applied"])[0].activity.owner \
        == "test.training"
    assert registrations.allowed_actions("applied") == [
        "approve", "reject", "withdraw", "cancel"]
    assert registrations.allowed_actions(None) == ["register", "apply"]
