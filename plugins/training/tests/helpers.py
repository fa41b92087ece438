"""Shared set-up for the training plugin's tests: trainings, members and applications in any
state, reached through the real service and views (no state is ever written by hand)."""

from __future__ import annotations

from datetime import timedelta

from crpm_plugins.training import applications, services
from crpm_plugins.training.models import Training
from flask import Flask
from sqlalchemy import select

from crpm_cms.plugin_api import (
    Registration,
    RegistrationTransition,
    User,
    db,
    organisations,
    registrations,
    utcnow,
)
from crpm_cms.testing import PASSWORD, Client, accounts


def make_training(app: Flask, *, capacity: int | None = 20, country: str | None = "SN",
                  quotas: dict | None = None, questions: tuple = (), offer_days: int = 7,
                  title: str = "Genre et migrations", published: bool = True) -> int:
    """A published training accepting applications now, with one session next month."""
    with app.app_context():
        now = utcnow()
        training = services.save_training(None, services.TrainingData(
            kind="collective", title_fr=title, title_en=f"{title} (en)", country_code=country,
            timezone="Africa/Dakar", applications_open_at=now - timedelta(days=1),
            applications_close_at=now + timedelta(days=20), published=published,
            capacity=capacity, offer_days=offer_days, quotas=quotas or {}), None)
        start = now + timedelta(days=30)
        services.add_session(training, start, start + timedelta(hours=6), "Africa/Dakar",
                             place="Dakar")
        for kind, label, choices in questions:
            services.add_question(training, kind, label, choices)
        return training.id


def make_member(app: Flask, email: str, *, country: str | None = "SN",
                gender: str | None = "woman", language: str | None = "fr",
                organisation: str | None = None, kind: str = "cso", name: str = "") -> int:
    """An active member, optionally working for a new organisation of ``kind``."""
    with app.app_context():
        organisation_id = None
        if organisation:
            organisation_id = organisations.save(None, organisations.OrganisationData(
                name=organisation, kind=kind, country_code=country or "SN"), None).id
        user = accounts.create_user(email, name or email.split("@")[0].title(), PASSWORD,
                                    language=language, organisation_id=organisation_id)
        user.country_code, user.gender = country, gender
        db.session.commit()
        return user.id


class Member(Client):
    """A signed-in test client that keeps its CSRF token, so each form costs one request."""

    token = ""

    def send(self, url: str, data: dict | None = None, **kwargs):  # type: ignore[no-untyped-def]
        if not self.token:
            self.token = self.csrf_token()
        return self.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)


def make_members(app: Flask, people: dict[str, tuple[str | None, str | None]]) -> None:
    """Many active members at once, ``{email: (country, gender)}``: one password hash, one
    commit (setting up fifty people one by one would cost seconds)."""
    with app.app_context():
        password_hash = accounts.hash_password(PASSWORD)
        db.session.add_all([User(email=email, display_name=email.split("@")[0].title(),
                                 password_hash=password_hash, status="active", language="fr",
                                 country_code=country, gender=gender)
                            for email, (country, gender) in people.items()])
        db.session.commit()


def signed_in(app: Flask, email: str) -> Member:
    app.test_client_class = Member
    client = app.test_client()
    response = client.post_form("/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client  # type: ignore[return-value]


def registration(app: Flask, training_id: int, email: str) -> Registration | None:
    with app.app_context():
        activity = registrations.find_activity(services.OWNER, training_id)
        found = registrations.registration_of(activity, accounts.find_by_email(email))
        if found is not None:
            db.session.expunge(found)
        return found


def state(app: Flask, training_id: int, email: str) -> str | None:
    found = registration(app, training_id, email)
    return found.state if found else None


def transitions_count(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(RegistrationTransition.id)).all())


def step(app: Flask, training_id: int, email: str, action: str, actor: str | None,
         answers: tuple[str, ...] = ()) -> None:
    """One transition through the service (for set-ups; the tests' own steps use the views);
    ``answers`` answer the intake questions in order when applying."""
    with app.app_context():
        training = db.session.get_one(Training, training_id)
        user = accounts.find_by_email(email)
        if action == "apply":
            applications.apply(training, user, {str(question.id): answer for question, answer
                                                in zip(training.questions, answers,
                                                       strict=False)})
            return
        found = applications.own_registration(training, user)
        by = accounts.find_by_email(actor) if actor else None
        registrations.transition(found, action, by)


# How to reach each state: (training capacity, steps). "filler" holds the only seat first when
# the state needs a full training; "expire" runs the service's expiry a month from now.
PATHS: dict[str, tuple[int, tuple[tuple[str, str], ...]]] = {
    "applied": (5, (("me", "apply"),)),
    "approved": (5, (("me", "apply"), ("me", "approve"))),
    "registered": (5, (("me", "apply"), ("me", "approve"), ("me", "confirm"))),
    "waitlisted": (1, (("filler", "apply"), ("filler", "approve"), ("me", "apply"),
                       ("me", "approve"))),
    "offered": (1, (("filler", "apply"), ("filler", "approve"), ("me", "apply"),
                    ("me", "approve"), ("filler", "withdraw"))),
    "rejected": (5, (("me", "apply"), ("me", "reject"))),
    "withdrawn": (5, (("me", "apply"), ("me", "withdraw"))),
    "cancelled": (5, (("me", "apply"), ("me", "cancel"))),
    "expired": (5, (("me", "apply"), ("me", "approve"), ("me", "expire"))),
    "attended": (5, (("me", "apply"), ("me", "approve"), ("me", "confirm"),
                     ("me", "mark_attended"))),
    "no_show": (5, (("me", "apply"), ("me", "approve"), ("me", "confirm"),
                    ("me", "mark_no_show"))),
    "certified": (5, (("me", "apply"), ("me", "approve"), ("me", "confirm"),
                      ("me", "mark_attended"), ("me", "certify"))),
}
PERSON_STEPS = {"withdraw", "confirm", "apply"}


def reach(app: Flask, target: str, me: str, admin: str, tag: str) -> int:
    """A new training where ``me`` is in state ``target``; returns the training id."""
    capacity, steps = PATHS[target]
    training_id = make_training(app, capacity=capacity, title=f"Parcours {tag}")
    filler = f"filler-{tag}@test.crpm"
    make_member(app, filler, country="SN")
    for who, action in steps:
        email = me if who == "me" else filler
        if action == "expire":
            with app.app_context():
                registrations.expire_offers(utcnow() + timedelta(days=30))
            continue
        step(app, training_id, email, action, email if action in PERSON_STEPS else admin)
    assert state(app, training_id, me) == target
    return training_id


def user_id(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))
