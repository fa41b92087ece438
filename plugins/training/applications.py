"""Applications to a training: who may take which step, intake answers, and the review list.

The states and the allowed transitions are the core registrations service's ``TRANSITIONS``
(applied → approved → registered; applied → waitlisted → offered → registered; rejected,
withdrawn, cancelled, expired; attended, no_show, certified). This module only decides who may
ask for a step; the service decides whether the step exists, holds the seats and records it.
"""

from __future__ import annotations

from dataclasses import dataclass

from crpm_plugins.training.models import Training
from crpm_plugins.training.services import (
    OWNER,
    TrainingError,
    activity_of,
    in_scope,
    is_open,
    reviewer_countries,
)
from flask_babel import gettext as _
from sqlalchemy import func, select

from crpm_cms.plugin_api import (
    Organisation,
    Registration,
    RegistrationActivity,
    User,
    db,
    registrations,
)

# Steps a person takes on their own application, and steps a reviewer takes on someone's.
PERSON_ACTIONS = ("withdraw", "confirm")
REVIEW_ACTIONS = ("approve", "reject", "cancel", "mark_attended", "mark_no_show", "certify")
MAX_ANSWER = 2000


# -- intake answers -------------------------------------------------------------------------------


def clean_answers(training: Training, submitted: dict[str, str]) -> dict[str, str]:
    """Answers keyed by question id, checked against each question's kind; refuses a missing
    required answer or a choice that was not offered."""
    answers: dict[str, str] = {}
    for question in training.questions:
        value = (submitted.get(str(question.id)) or "").strip()
        if not value:
            if question.required:
                raise TrainingError(_("Please answer: %(question)s", question=question.label))
            continue
        if question.kind == "yes_no" and value not in ("yes", "no"):
            raise TrainingError(_("Answer yes or no: %(question)s", question=question.label))
        if question.kind == "choice" and value not in question.choice_list:
            raise TrainingError(_("Choose one of the answers offered: %(question)s",
                                  question=question.label))
        answers[str(question.id)] = value[:MAX_ANSWER]
    return answers


def answer_rows(training: Training, registration: Registration) -> list[tuple[str, str]]:
    """(question, answer) pairs for the review screen, in the questions' order."""
    stored = registration.answers or {}
    labels = {"yes": _("Yes"), "no": _("No")}
    return [(q.label, labels.get(stored.get(str(q.id), ""), stored.get(str(q.id), "")))
            for q in training.questions if str(q.id) in stored]


# -- the person's own steps -----------------------------------------------------------------------


def apply(training: Training, user: User, answers: dict[str, str]) -> Registration:
    """Apply, on behalf of the person's organisation, while the training accepts applications."""
    if not is_open(training):
        raise TrainingError(_("This training does not accept applications at the moment."))
    current = own_registration(training, user)
    if current is not None and current.state not in registrations.ENDED_STATES:
        raise TrainingError(_("You have already applied to this training (status: %(state)s).",
                              state=registrations.STATE_LABELS[current.state]))
    cleaned = clean_answers(training, answers)
    return registrations.apply(activity_of(training), user,
                               organisation_id=user.organisation_id, answers=cleaned)


def own_registration(training: Training, user: User) -> Registration | None:
    return registrations.registration_of(activity_of(training), user)


def person_step(training: Training, user: User, action: str) -> Registration:
    """Withdraw or confirm one's own application (the service refuses what its table forbids)."""
    if action not in PERSON_ACTIONS:
        raise TrainingError(_("Unknown action."))
    registration = own_registration(training, user)
    if registration is None:
        raise TrainingError(_("You have not applied to this training."))
    return registrations.transition(registration, action, user)


# -- reviewers' steps -----------------------------------------------------------------------------


def applicant_country(registration: Registration,
                      organisations: dict[int, Organisation] | None = None) -> str | None:
    """The country an application is reviewed in: the person's declared country, else the
    country of the organisation they apply for."""
    if registration.country_code or registration.organisation_id is None:
        return registration.country_code
    if organisations is not None:
        organisation = organisations.get(registration.organisation_id)
        return organisation.country_code if organisation else None
    return db.session.scalar(select(Organisation.country_code)
                             .where(Organisation.id == registration.organisation_id))


def can_review(user: User | None, registration: Registration) -> bool:
    return in_scope(user, "training.review", applicant_country(registration))


def get_application(training: Training, registration_id: int) -> Registration | None:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.activity_id != activity_of(training).id:
        return None
    return registration


def review_step(registration: Registration, action: str, actor: User, note: str = "") -> (
        Registration):
    """A reviewer's step on someone's application, for the applicant's country only."""
    if action not in REVIEW_ACTIONS:
        raise TrainingError(_("Unknown action."))
    if not can_review(actor, registration):
        raise PermissionError(action)
    return registrations.transition(registration, action, actor, note=note[:500])


@dataclass
class BulkResult:
    done: int = 0
    refused: int = 0


def review_many(training: Training, registration_ids: list[int], action: str,
                actor: User) -> BulkResult:
    """The same step on several applications, in queue order (first applied, first served)."""
    result = BulkResult()
    wanted = set(registration_ids)
    for registration in registrations.registrations_for(activity_of(training)):
        if registration.id not in wanted:
            continue
        try:
            review_step(registration, action, actor)
        except (registrations.RegistrationError, PermissionError):
            db.session.rollback()
            result.refused += 1
        else:
            result.done += 1
    return result


@dataclass
class Application:
    """One row of the review screen."""

    registration: Registration
    position: int | None  # place on the waitlist
    country: str | None
    organisation: Organisation | None
    answers: list[tuple[str, str]]


def everyone(training: Training) -> list[Registration]:
    """All the training's applications, in queue order (one query)."""
    return registrations.registrations_for(activity_of(training))


def review_list(training: Training, user: User, state: str | None = None,
                people: list[Registration] | None = None) -> list[Application]:
    """The applications this reviewer may act on, in queue order, with waitlist positions;
    ``people``: ``everyone(training)`` when the caller has it already."""
    everyone_ = people if people is not None else everyone(training)
    organisations = _organisations({r.organisation_id for r in everyone_})
    scope = reviewer_countries(user)
    rows, waiting = [], 0
    for registration in everyone_:
        if registration.state == "waitlisted":
            waiting += 1
        country = applicant_country(registration, organisations)
        if scope is not None and country not in scope:
            continue
        if state and registration.state != state:
            continue
        rows.append(Application(
            registration, waiting if registration.state == "waitlisted" else None, country,
            organisations.get(registration.organisation_id or 0),
            answer_rows(training, registration)))
    return rows


def _organisations(ids: set[int | None]) -> dict[int, Organisation]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {o.id: o for o in db.session.scalars(
        select(Organisation).where(Organisation.id.in_(wanted)))}


def organisations_of(registrations_: list[Registration]) -> dict[int, Organisation]:
    return _organisations({r.organisation_id for r in registrations_})


def applications_of(user: User) -> list[tuple[Registration, Training]]:
    """Every application of one person, newest first, with its training."""
    mine = registrations.registrations_of(user, OWNER)
    trainings = {t.id: t for t in db.session.scalars(select(Training).where(
        Training.id.in_({r.activity.external_id for r in mine})))} if mine else {}
    return [(r, trainings[r.activity.external_id]) for r in mine
            if r.activity.external_id in trainings]


def registration_by_id(registration_id: int) -> Registration | None:
    return db.session.get(Registration, registration_id)


def waiting_review(limit: int = 10) -> list[tuple[Training, int]]:
    """Trainings with applications nobody has reviewed yet, most waiting first (one query)."""
    waiting = func.count(Registration.id)
    rows = db.session.execute(
        select(Training, waiting)
        .join(RegistrationActivity, (RegistrationActivity.owner == OWNER)
              & (RegistrationActivity.external_id == Training.id))
        .join(Registration, Registration.activity_id == RegistrationActivity.id)
        .where(Registration.state == "applied")
        .group_by(Training.id).order_by(waiting.desc(), Training.id).limit(limit))
    return [(training, count) for training, count in rows]
