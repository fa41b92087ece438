"""The rules about trainings themselves: saving them with their seats, sessions and intake
questions, who manages and reviews what, and which trainings are open.

Seats, quotas and application states belong to the core registrations service; a training's
capacity, quotas and offer delay are handed to it with ``ensure_activity`` on every save.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from crpm_plugins.training.models import (
    QUESTION_KINDS,
    Training,
    TrainingQuestion,
    TrainingSession,
)
from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from crpm_cms.plugin_api import (
    Country,
    RegistrationActivity,
    Term,
    User,
    can,
    countries_for,
    db,
    is_zone,
    registrations,
    saving,
    terms,
    to_local,
    utcnow,
)

OWNER = "training.training"
# what list pages show of each training, loaded for the whole list in a few queries
LIST_OPTIONS = (selectinload(Training.sessions), selectinload(Training.country))
API_OPTIONS = (*LIST_OPTIONS, selectinload(Training.themes),
               selectinload(Training.target_countries))
DEFAULT_OFFER_DAYS = 7
MAX_OFFER_DAYS = 60
QUOTA_DIMENSIONS = ("country", "sex")


class TrainingError(ValueError):
    """Input the rules refuse; the message is translated and meant for the person."""


@dataclass
class TrainingData:
    """Everything the training form edits, already parsed (times in naive UTC)."""

    kind: str
    title_fr: str
    title_en: str = ""
    description_fr: str = ""
    description_en: str = ""
    objectives_fr: str = ""
    objectives_en: str = ""
    prerequisites_fr: str = ""
    prerequisites_en: str = ""
    country_code: str | None = None
    timezone: str = "Africa/Dakar"
    target_countries: list[str] = field(default_factory=list)
    target_kinds: list[str] = field(default_factory=list)
    theme_ids: list[int] = field(default_factory=list)
    applications_open_at: datetime | None = None
    applications_close_at: datetime | None = None
    published: bool = False
    capacity: int | None = None
    offer_days: int = DEFAULT_OFFER_DAYS
    quotas: dict[str, dict[str, int]] = field(default_factory=dict)


# -- who may do what ------------------------------------------------------------------------------


def in_scope(user: User | None, permission: str, country: str | None) -> bool:
    """Scoped rights: a focal point acts for its countries; a row without a country is for
    those holding the right everywhere (admins)."""
    if country is None:
        return countries_for(user, permission) is None
    return can(user, permission, country)


def can_manage(user: User | None, training: Training | None = None,
               country: str | None = None) -> bool:
    """Create and edit trainings of a country (``training`` given: of its host country)."""
    if training is None and country is None:
        return bool(user is not None and countries_for(user, "training.manage") != set())
    return in_scope(user, "training.manage", training.country_code if training else country)


def reviewer_countries(user: User | None) -> set[str] | None:
    """Countries whose applications ``user`` reviews: ``None`` for all, empty for none."""
    return countries_for(user, "training.review")


# -- saving ---------------------------------------------------------------------------------------


def training_kinds() -> list[Term]:
    return terms("training_kind")


def _check(data: TrainingData) -> None:
    if data.kind not in {term.code for term in training_kinds()}:
        raise TrainingError(_("Choose one of the kinds of training."))
    if not data.title_fr.strip():
        raise TrainingError(_("The French title is required."))
    if not is_zone(data.timezone):
        raise TrainingError(_("Unknown time zone: choose one from the list."))
    opens, closes = data.applications_open_at, data.applications_close_at
    if opens and closes and closes <= opens:
        raise TrainingError(_("Applications must close after they open."))
    if data.capacity is not None and data.capacity < 1:
        raise TrainingError(_("The number of seats must be at least 1, or empty for no limit."))
    if not 1 <= data.offer_days <= MAX_OFFER_DAYS:
        raise TrainingError(_("The delay to confirm a seat is between 1 and %(max)s days.",
                              max=MAX_OFFER_DAYS))
    for dimension, limits in data.quotas.items():
        if dimension not in QUOTA_DIMENSIONS or any(seats < 0 for seats in limits.values()):
            raise TrainingError(_("A quota is a number of seats, 0 or more."))


def save_training(training: Training | None, data: TrainingData, actor: User | None,
                  seen_version: int | None = None) -> Training:
    """Create or update a training and its seats in the registrations service;
    ``StaleRecord`` when someone saved it since ``seen_version``."""
    _check(data)
    with saving(training, seen_version):
        return _store_training(training, data, actor)


def _store_training(training: Training | None, data: TrainingData,
                    actor: User | None) -> Training:
    if training is None:
        training = Training(created_by_id=actor.id if actor else None)
        db.session.add(training)
    for name in ("kind", "title_fr", "title_en", "description_fr", "description_en",
                 "objectives_fr", "objectives_en", "prerequisites_fr", "prerequisites_en",
                 "country_code", "timezone", "applications_open_at", "applications_close_at",
                 "published"):
        setattr(training, name, getattr(data, name))
    training.title_fr, training.title_en = data.title_fr.strip(), data.title_en.strip()
    training.target_kinds = sorted(set(data.target_kinds))
    training.target_countries = list(db.session.scalars(
        select(Country).where(Country.code.in_(data.target_countries))))
    training.themes = list(db.session.scalars(select(Term).where(Term.id.in_(data.theme_ids))))
    db.session.commit()
    registrations.ensure_activity(OWNER, training.id, capacity=data.capacity,
                                  promote_to="offered", offer_days=data.offer_days,
                                  quotas=data.quotas, starts_on=starts_on(training))
    return training


def starts_on(training: Training) -> date | None:
    """The day the training starts, in its first session's zone (dates its statistics)."""
    first = training.sessions[0] if training.sessions else None
    return to_local(first.starts_at, first.timezone).date() if first else None


def _redate(training: Training, before: date | None) -> None:
    """Sessions changed: tell the registrations service the training's new start date."""
    db.session.refresh(training, ["sessions"])
    if starts_on(training) == before:
        return
    activity = activity_of(training)
    registrations.ensure_activity(OWNER, training.id, capacity=activity.capacity,
                                  promote_to="offered", offer_days=activity.offer_days,
                                  starts_on=starts_on(training))


def activity_of(training: Training) -> RegistrationActivity:
    """The training's seats; a training saved before its activity existed gets one now."""
    activity = registrations.find_activity(OWNER, training.id)
    if activity is None:
        activity = registrations.ensure_activity(OWNER, training.id, capacity=None,
                                                 promote_to="offered",
                                                 offer_days=DEFAULT_OFFER_DAYS)
    return activity


def check_meeting(starts_at: datetime, ends_at: datetime, zone: str, online: bool,
                  place: str) -> None:
    """What a session and a coaching slot both need: an order in time, a zone, a place."""
    if ends_at <= starts_at:
        raise TrainingError(_("A session must end after it starts."))
    if not is_zone(zone):
        raise TrainingError(_("Unknown time zone: choose one from the list."))
    if not online and not place.strip():
        raise TrainingError(_("Give the place of the session, or mark it as online."))


def add_session(training: Training, starts_at: datetime, ends_at: datetime, zone: str, *,
                place: str = "", online: bool = False, trainers: str = "",
                language: str = "fr") -> TrainingSession:
    check_meeting(starts_at, ends_at, zone, online, place)
    before = starts_on(training)
    session = TrainingSession(training=training, starts_at=starts_at, ends_at=ends_at,
                              timezone=zone, place=place.strip(), online=online,
                              trainers=trainers.strip(), language=language)
    db.session.add(session)
    db.session.commit()
    _redate(training, before)
    return session


def delete_session(session: TrainingSession) -> None:
    training = session.training
    before = starts_on(training)
    db.session.delete(session)
    db.session.commit()
    _redate(training, before)


def add_question(training: Training, kind: str, label: str, choices: str = "",
                 required: bool = True) -> TrainingQuestion:
    if kind not in QUESTION_KINDS:
        raise TrainingError(_("Choose the kind of question."))
    if not label.strip():
        raise TrainingError(_("Write the question."))
    answers = [line.strip() for line in choices.splitlines() if line.strip()]
    if kind == "choice" and len(answers) < 2:
        raise TrainingError(_("A choice question needs at least two answers, one per line."))
    question = TrainingQuestion(training=training, kind=kind, label=label.strip()[:300],
                                choices="\n".join(answers) if kind == "choice" else "",
                                required=required, position=len(training.questions))
    db.session.add(question)
    db.session.commit()
    return question


def delete_question(question: TrainingQuestion) -> None:
    db.session.delete(question)
    db.session.commit()


# -- finding trainings ----------------------------------------------------------------------------


def get_training(training_id: int) -> Training | None:
    return db.session.get(Training, training_id)


def visible(user: User | None, training: Training) -> bool:
    """Published trainings are public; drafts only for those who manage them."""
    return training.published or can_manage(user, training)


def is_open(training: Training, now: datetime | None = None) -> bool:
    """Whether applications are accepted now (published, inside its window)."""
    now = now or utcnow()
    return bool(training.published
                and (training.applications_open_at is None
                     or training.applications_open_at <= now)
                and (training.applications_close_at is None
                     or now < training.applications_close_at))


def open_query(now: datetime | None = None) -> Select[Training]:
    """Published trainings accepting applications now, closing soonest first."""
    now = now or utcnow()
    return (select(Training)
            .where(Training.published,
                   or_(Training.applications_open_at.is_(None),
                       Training.applications_open_at <= now),
                   or_(Training.applications_close_at.is_(None),
                       Training.applications_close_at > now))
            .order_by(Training.applications_close_at.is_(None),
                      Training.applications_close_at, Training.id))


def listing(user: User | None, kind: str | None = None,
            country: str | None = None) -> Select[Training]:
    """Trainings for the list page, newest first: published ones, and the drafts this user
    manages."""
    query = (select(Training).options(*LIST_OPTIONS)
             .order_by(Training.created_at.desc(), Training.id.desc()))
    scope = countries_for(user, "training.manage")
    if scope is None:
        pass  # managers of every country see every draft
    elif scope:
        query = query.where(or_(Training.published, Training.country_code.in_(scope)))
    else:
        query = query.where(Training.published)
    if kind:
        query = query.where(Training.kind == kind)
    if country:
        query = query.where(or_(Training.country_code == country,
                                Training.target_countries.any(Country.code == country)))
    return query


def upcoming_or_open(limit: int = 3) -> list[Training]:
    """For the home page: open trainings first."""
    return list(db.session.scalars(open_query().options(*LIST_OPTIONS).limit(limit)))


def published_query() -> Select[Training]:
    return select(Training).where(Training.published).order_by(Training.id)


def seats_left(trainings: list[Training]) -> dict[int, int | None]:
    """Free seats of several trainings in one query (None: no limit)."""
    if not trainings:
        return {}
    activities = db.session.scalars(select(RegistrationActivity).where(
        RegistrationActivity.owner == OWNER,
        RegistrationActivity.external_id.in_([t.id for t in trainings])))
    return {a.external_id: None if a.capacity is None else max(a.capacity - a.seats_taken, 0)
            for a in activities}
