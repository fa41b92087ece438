"""Every application state against every step offered by the training pages: a step outside
the state table is refused with a clear message (409) and changes nothing; each allowed one
records its transition and sends exactly one e-mail, in the person's language, through a real
SMTP server."""

from __future__ import annotations

import html
from datetime import timedelta
from email.header import decode_header, make_header

from sqlalchemy import update

from crpm_cms.plugin_api import TRANSITIONS, Registration, db, utcnow

from .helpers import (
    PATHS,
    make_member,
    make_training,
    reach,
    registration,
    signed_in,
    state,
    step,
    transitions_count,
)

# The training's state table as the issue states it (the oracle; the core's table must agree).
ALLOWED: dict[tuple[str | None, str], str] = {
    (None, "apply"): "applied",
    ("applied", "approve"): "approved", ("applied", "reject"): "rejected",
    ("applied", "withdraw"): "withdrawn", ("applied", "cancel"): "cancelled",
    ("approved", "confirm"): "registered", ("approved", "withdraw"): "withdrawn",
    ("approved", "cancel"): "cancelled",
    ("offered", "confirm"): "registered", ("offered", "withdraw"): "withdrawn",
    ("offered", "cancel"): "cancelled",
    ("registered", "withdraw"): "withdrawn", ("registered", "cancel"): "cancelled",
    ("registered", "mark_attended"): "attended", ("registered", "mark_no_show"): "no_show",
    ("waitlisted", "reject"): "rejected", ("waitlisted", "withdraw"): "withdrawn",
    ("waitlisted", "cancel"): "cancelled",
    ("attended", "mark_no_show"): "no_show", ("attended", "certify"): "certified",
    ("no_show", "mark_attended"): "attended",
    **{(ended, "apply"): "applied" for ended in ("rejected", "withdrawn", "cancelled", "expired")},
}
PERSON = ("apply", "confirm", "withdraw")
REVIEWER = ("approve", "reject", "cancel", "mark_attended", "mark_no_show", "certify")
STATES = list(PATHS)  # every state; "no application yet" has its own test below
ME = "me@test.crpm"
SUBJECTS = {"applied": "Application received", "approved": "Your application is accepted",
            "registered": "Your seat is confirmed", "rejected": "Your application was not accepted",
            "withdrawn": "Your withdrawal is recorded",
            "cancelled": "Your participation was cancelled",
            "attended": "Your attendance is recorded", "no_show": "You were recorded as absent",
            "certified": "Your certificate of participation",
            "waitlisted": "On the waiting list"}


def test_the_core_table_is_the_training_table() -> None:
    core = {(None if origin == "none" else origin, action): target
            for action, moves in TRANSITIONS.items() if action in PERSON + REVIEWER
            for origin, target in moves.items()}
    assert core == ALLOWED


class Steps:
    """Signed-in clients of the applicant and the admin, made once per test."""

    def __init__(self, app, admin: str) -> None:  # type: ignore[no-untyped-def]
        self.app, self.admin = app, admin
        self.person = signed_in(app, ME)
        self.reviewer = signed_in(app, admin)

    def post(self, training_id: int, action: str):  # type: ignore[no-untyped-def]
        """The step as a person would take it: their own buttons, or the reviewer's."""
        if action in PERSON:
            return self.person.send(f"/trainings/{training_id}/{action}?lang=en")
        mine = registration(self.app, training_id, ME)
        return self.reviewer.send(
            f"/trainings/{training_id}/applications/{mine.id}/{action}?lang=en")


def subject(message) -> str:  # type: ignore[no-untyped-def]
    return str(make_header(decode_header(message["Subject"])))


def test_steps_outside_the_table_are_refused_and_change_nothing(mail_app, people) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    make_member(app, ME, language="en")
    steps = Steps(app, people["admin"])
    for origin in STATES:
        training_id = reach(app, origin, ME, people["admin"], origin)
        before, sent = transitions_count(app), len(inbox.messages)
        for action in (a for a in PERSON + REVIEWER if (origin, a) not in ALLOWED):
            response = steps.post(training_id, action)
            page = html.unescape(response.get_data(as_text=True))
            assert response.status_code == 409, (origin, action)
            assert "This step is not possible" in page, (origin, action)
            assert state(app, training_id, ME) == origin, (origin, action)
        assert transitions_count(app) == before, origin
        assert len(inbox.messages) == sent, f"a refused step from {origin} sent an e-mail"


# Walks through the allowed steps, each from a state reached by the helpers: (start, [(step,
# state after it)]). Together they take every allowed pair of the table; approving while the
# training is full puts the person on the waiting list.
WALKS: list[tuple[str | None, list[tuple[str, str]]]] = [
    (None, [("apply", "applied"), ("reject", "rejected"), ("apply", "applied"),
            ("withdraw", "withdrawn"), ("apply", "applied"), ("cancel", "cancelled"),
            ("apply", "applied"), ("approve", "approved"), ("withdraw", "withdrawn"),
            ("apply", "applied"), ("approve", "approved"), ("cancel", "cancelled"),
            ("apply", "applied"), ("approve", "approved"), ("confirm", "registered"),
            ("withdraw", "withdrawn"), ("apply", "applied"), ("approve", "approved"),
            ("confirm", "registered"), ("cancel", "cancelled"), ("apply", "applied"),
            ("approve", "approved"), ("confirm", "registered"), ("mark_no_show", "no_show"),
            ("mark_attended", "attended"), ("mark_no_show", "no_show"),
            ("mark_attended", "attended"), ("certify", "certified")]),
    ("registered", [("mark_attended", "attended")]),
    ("waitlisted", [("withdraw", "withdrawn"), ("apply", "applied"), ("approve", "waitlisted"),
                    ("cancel", "cancelled"), ("apply", "applied"), ("approve", "waitlisted"),
                    ("reject", "rejected")]),
    ("offered", [("confirm", "registered")]),
    ("offered", [("withdraw", "withdrawn")]),
    ("offered", [("cancel", "cancelled")]),
    ("expired", [("apply", "applied")]),
]


def test_each_allowed_step_sends_exactly_one_email_per_transition(mail_app, people) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    make_member(app, ME, language="en", name="Amina Touré")
    steps = Steps(app, people["admin"])
    taken: set[tuple[str | None, str]] = set()
    for number, (start, walk) in enumerate(WALKS):
        tag = f"{start}-{number}"
        training_id = (reach(app, start, ME, people["admin"], tag) if start
                       else make_training(app, title=f"Parcours {tag}"))
        for action, target in walk:
            origin = state(app, training_id, ME)
            before, sent = transitions_count(app), len(inbox.messages)
            response = steps.post(training_id, action)
            assert response.status_code == 302, (tag, action, response.get_data(as_text=True))
            assert state(app, training_id, ME) == target, (tag, action)
            taken.add((origin, action))
            new = inbox.messages[sent:]
            assert len(new) == transitions_count(app) - before, tag  # promotions included
            mine = [m for m in new if m["To"] == ME]
            assert len(mine) == 1, (tag, action)
            assert mine[0]["Content-Language"] == "en", tag
            assert subject(mine[0]) == f"{SUBJECTS[target]}: Parcours {tag} (en)"
            assert "Hello Amina Touré," in mine[0].get_payload(decode=True).decode()
            for message in (m for m in new if m["To"] != ME):  # someone promoted by this step
                assert message["Content-Language"] == "fr", tag
                assert subject(message).startswith("Une place vous est proposée"), tag
    assert taken == set(ALLOWED)


def test_without_an_application_there_is_nothing_to_confirm_or_withdraw(
        mail_app, people) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    make_member(app, ME)
    training_id = make_training(app)
    steps = Steps(app, people["admin"])
    for action in ("confirm", "withdraw"):
        response = steps.post(training_id, action)
        assert response.status_code == 409
        assert "You have not applied" in html.unescape(response.get_data(as_text=True))
    assert state(app, training_id, ME) is None and inbox.messages == []


def test_first_application_and_its_email_in_french(mail_app, people) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    make_member(app, ME, language="fr", name="Ndèye Fatou Sène")
    training_id = make_training(app, title="Genre et migrations")
    assert signed_in(app, ME).send(f"/trainings/{training_id}/apply").status_code == 302
    assert state(app, training_id, ME) == "applied"
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert subject(message) == "Candidature reçue : Genre et migrations"
    assert "Bonjour Ndèye Fatou Sène," in inbox.body(0)
    assert f"/trainings/{training_id}" in inbox.body(0)


def test_confirming_after_the_offer_date_expires_it_and_says_so(mail_app, people) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    make_member(app, ME)
    training_id = make_training(app, offer_days=1)
    step(app, training_id, ME, "apply", ME)
    step(app, training_id, ME, "approve", people["admin"])
    with app.app_context():  # the confirmation date passes before cron has run
        db.session.execute(update(Registration).where(
            Registration.id == registration(app, training_id, ME).id).values(
            offer_expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    sent = len(inbox.messages)
    response = signed_in(app, ME).send(f"/trainings/{training_id}/confirm", follow_redirects=True)
    assert response.status_code == 200
    assert "expiré" in html.unescape(response.get_data(as_text=True))
    assert state(app, training_id, ME) == "expired"
    assert [subject(m) for m in inbox.messages[sent:]] == [
        "La place proposée a expiré : Genre et migrations"]
