"""Permission-matrix rows of the training plugin (loaded by tests/test_permission_matrix.py).

Roles, in order: anonymous, member, editor (SN), editor of another country (CI), focal point
(SN), admin. The rows run in order on the data ``fixtures`` makes; rows that change something
come after the rows that read it."""

from __future__ import annotations

from datetime import timedelta

from crpm_plugins.training import applications, coaching, services
from crpm_plugins.training.models import CoachingSlot, Training, TrainingCertificate
from flask import Flask
from sqlalchemy import select

from crpm_cms.plugin_api import User, db, registrations, utcnow
from crpm_cms.testing import accounts

LOGIN = 302
EVERYONE = (200,) * 6
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200)
MANAGERS = (LOGIN, 403, 403, 403, 200, 200)  # focal point of Senegal, admin
MANAGERS_POST = (LOGIN, 403, 403, 403, 400, 400)  # an empty form is refused (400)

ROWS: list[tuple[str, str, str, dict[str, str], tuple[int, ...]]] = [
    ("training.index", "GET", "/trainings/", {}, EVERYONE),
    ("training.detail", "GET", "/trainings/{training}", {}, EVERYONE),
    ("training.apply", "GET", "/trainings/{training}/apply", {},
     (LOGIN, 409, 200, 200, 200, 200)),  # the member has applied already
    ("training.apply", "POST", "/trainings/{training}/apply", {},
     (LOGIN, 409, 400, 400, 400, 400)),  # the required intake question is not answered
    ("training.person_step", "POST", "/trainings/{training}/confirm", {},
     (LOGIN, 409, 409, 409, 409, 409)),  # nothing to confirm: applied, or no application
    ("training.mine", "GET", "/trainings/mine", {}, SIGNED_IN),
    ("training.certificate_pdf", "GET", "/trainings/{certified}/certificate.pdf", {},
     (LOGIN, 200, 409, 409, 409, 409)),  # only the member was certified
    ("training.verify_certificate", "GET", "/trainings/certificates/{code}", {}, EVERYONE),
    ("training.create", "GET", "/trainings/new", {}, MANAGERS),
    ("training.create", "POST", "/trainings/new", {}, MANAGERS_POST),
    ("training.edit", "GET", "/trainings/{training}/edit", {}, MANAGERS),
    ("training.edit", "POST", "/trainings/{training}/edit", {}, MANAGERS_POST),
    ("training.add_session", "POST", "/trainings/{training}/sessions", {}, MANAGERS_POST),
    ("training.add_question", "POST", "/trainings/{training}/questions", {}, MANAGERS_POST),
    ("training.review", "GET", "/trainings/{training}/review", {}, MANAGERS),
    ("training.review_bulk", "POST", "/trainings/{training}/applications", {},
     (LOGIN, 403, 403, 403, 409, 409)),  # nothing ticked
    ("training.session_attendance", "GET", "/trainings/{training}/sessions/{session}/attendance",
     {}, MANAGERS),
    ("training.session_attendance", "POST",
     "/trainings/{training}/sessions/{session}/attendance", {},
     (LOGIN, 403, 403, 403, 302, 302)),
    ("training.participants", "GET", "/trainings/{training}/participants.csv", {}, MANAGERS),
    ("training.statistics", "GET", "/trainings/statistics", {}, MANAGERS),
    ("training.statistics_csv", "GET", "/trainings/statistics.csv", {}, MANAGERS),
    # the member's application has no country: only the admin reviews it
    ("training.review_action", "POST",
     "/trainings/{training}/applications/{application}/approve", {},
     (LOGIN, 403, 403, 403, 403, 302)),
    ("training.delete_session", "POST", "/trainings/{training}/sessions/{spare_session}/delete",
     {}, (LOGIN, 403, 403, 403, 302, 404)),  # the focal point deletes it first
    ("training.delete_question", "POST",
     "/trainings/{training}/questions/{spare_question}/delete", {},
     (LOGIN, 403, 403, 403, 302, 404)),
    ("training.revoke_certificate", "POST", "/trainings/certificates/{code}/revoke", {},
     (LOGIN, 403, 403, 403, 403, 302)),
    ("training.coaching_index", "GET", "/trainings/coaching/", {}, EVERYONE),
    ("training.coaching_slot", "GET", "/trainings/coaching/{slot}", {}, EVERYONE),
    ("training.coaching_create", "GET", "/trainings/coaching/new", {}, MANAGERS),
    ("training.coaching_create", "POST", "/trainings/coaching/new", {}, MANAGERS_POST),
    # the member books the slot, the next three wait; the admin coaches it (409: own slot)
    ("training.coaching_book", "POST", "/trainings/coaching/{slot}/book", {},
     (LOGIN, 302, 302, 302, 302, 409)),
    ("training.coaching_action", "POST",
     "/trainings/coaching/{booked_slot}/bookings/{booking}/cancel", {},
     (LOGIN, 403, 403, 403, 302, 409)),  # cancelled by the focal point: nothing left to cancel
    ("training.coaching_delete", "POST", "/trainings/coaching/{empty_slot}/delete", {},
     (LOGIN, 403, 403, 403, 302, 404)),
    ("training_api.trainings", "GET", "/api/v1/trainings", {}, EVERYONE),
    ("training_api.training", "GET", "/api/v1/trainings/{training}", {}, EVERYONE),
]


def _training(title: str) -> Training:
    now = utcnow()
    training = services.save_training(None, services.TrainingData(
        kind="collective", title_fr=title, country_code="SN", published=True,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=9), capacity=10), None)
    for days in (20, 21):
        start = now + timedelta(days=days)
        services.add_session(training, start, start + timedelta(hours=3), "Africa/Dakar",
                             place="Dakar")
    return training


def _slot(coach: User, topic: str) -> int:
    start = utcnow() + timedelta(days=5)
    return coaching.create_slot(coach, topic, start, start + timedelta(hours=1), "Africa/Dakar",
                                country_code="SN").id


def fixtures(app: Flask, people: dict[str, str]) -> dict[str, object]:
    with app.app_context():
        member = accounts.find_by_email(people["member"])
        admin = accounts.find_by_email(people["admin"])
        training = _training("Matrice formation")
        services.add_question(training, "text", "Votre rôle ?")
        spare = services.add_question(training, "yes_no", "Question en trop", required=False)
        application = applications.apply(training, member, {
            str(training.questions[0].id): "Chargée de programme"})
        certified = _training("Matrice attestation")
        done = applications.apply(certified, member, {})
        for action in ("approve", "confirm", "mark_attended", "certify"):
            done = registrations.transition(done, action, admin)
        code = db.session.scalar(select(TrainingCertificate.code).where(
            TrainingCertificate.registration_id == done.id))
        booked_slot = _slot(admin, "Créneau réservé")
        booking = coaching.book(db.session.get_one(CoachingSlot, booked_slot), member)
        return {
            "training": training.id,
            "session": training.sessions[0].id, "spare_session": training.sessions[1].id,
            "spare_question": spare.id, "application": application.id,
            "certified": certified.id, "code": code, "slot": _slot(admin, "Créneau libre"),
            "booked_slot": booked_slot, "booking": booking.id,
            "empty_slot": _slot(admin, "Créneau à supprimer"),
        }
