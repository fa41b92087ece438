"""The rules for saving an event: every field checked with a translated message, times kept in
their IANA zone, SEQUENCE raised on every change, capacity handed to the core registrations
service (which promotes the waitlist when seats are added)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from crpm_plugins.webinars.models import (
    FORMATS,
    MATERIAL_KINDS,
    OWNER,
    SPEAKER_GENDERS,
    STATUSES,
    WORKING_LANGUAGES,
    EventMaterial,
    EventSpeaker,
    WebinarEvent,
)
from crpm_plugins.webinars.queries import MANAGE
from crpm_plugins.webinars.search import KIND as SEARCH_KIND
from flask_babel import gettext as _
from sqlalchemy import select

from crpm_cms.plugin_api import (
    THEME_VOCABULARIES,
    Country,
    LibraryDocument,
    Organisation,
    StaleRecord,
    Term,
    User,
    countries_for,
    db,
    exists_in_zone,
    is_zone,
    record_change,
    registrations,
    saving,
    to_utc,
    utcnow,
)

# Changes that registrants are told about by e-mail (with an updated invitation).
NOTIFIED_FIELDS = ("starts_at", "ends_at", "status", "format", "place", "joining_url")


class EventError(ValueError):
    """The event cannot be saved: ``problems`` maps each wrong field to a translated message."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass
class SpeakerData:
    name: str
    affiliation: str = ""
    gender: str | None = None


@dataclass
class MaterialData:
    kind: str
    title: str = ""
    url: str = ""
    document_slug: str = ""


@dataclass
class EventData:
    """What the form (or the demo loader) gives to ``save_event``; local times in ``timezone``."""

    kind: str
    timezone: str
    starts_local: datetime
    ends_local: datetime
    title_fr: str = ""
    title_en: str = ""
    description_fr: str = ""
    description_en: str = ""
    format: str = "online"
    place: str = ""
    joining_url: str = ""
    language: str = "fr"
    capacity: int | None = None
    registration_opens_local: datetime | None = None
    registration_closes_local: datetime | None = None
    status: str = "scheduled"
    organisation_ids: list[int] = field(default_factory=list)
    country_codes: list[str] = field(default_factory=list)
    theme_codes: list[str] = field(default_factory=list)
    speakers: list[SpeakerData] = field(default_factory=list)
    materials: list[MaterialData] = field(default_factory=list)


# -- checks ---------------------------------------------------------------------------------------


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _time_problems(data: EventData) -> dict[str, str]:
    if not is_zone(data.timezone):
        return {"timezone": _("Choose a time zone from the list (such as Africa/Casablanca).")}
    problems = {}
    for name in ("starts_local", "ends_local", "registration_opens_local",
                 "registration_closes_local"):
        value = getattr(data, name)
        if value is not None and not exists_in_zone(value, data.timezone):
            problems[name] = _("This time does not exist in %(zone)s: the clocks change that "
                               "night. Choose another time.", zone=data.timezone)
    if "ends_local" not in problems and data.ends_local <= data.starts_local:
        problems["ends_local"] = _("The event must end after it starts.")
    opens, closes = data.registration_opens_local, data.registration_closes_local
    if opens and closes and closes <= opens:
        problems["registration_closes_local"] = _("Registration must close after it opens.")
    return problems


def _reference_problems(data: EventData, actor: User | None) -> dict[str, str]:
    problems = {}
    kinds = set(db.session.scalars(select(Term.code).where(Term.vocabulary == "event_kind")))
    if data.kind not in kinds:
        problems["kind"] = _("Choose a kind of event from the list.")
    known = set(db.session.scalars(select(Country.code).where(
        Country.code.in_(data.country_codes))))
    if set(data.country_codes) - known:
        problems["countries"] = _("Choose countries from the list.")
    scope = countries_for(actor, MANAGE) if actor is not None else None  # None: the system
    if scope is not None and not set(data.country_codes) & scope:
        problems["countries"] = _("Include at least one of the countries you manage events "
                                  "for: %(countries)s.", countries=", ".join(sorted(scope)))
    found = set(db.session.scalars(select(Organisation.id).where(
        Organisation.id.in_(data.organisation_ids))))
    if set(data.organisation_ids) - found:
        problems["organisers"] = _("Choose organisers from the list.")
    return problems


def _material_problems(materials: list[MaterialData]) -> dict[str, str]:
    for material in materials:
        if material.kind not in MATERIAL_KINDS:
            return {"materials": _("Choose the kind of each material.")}
        if material.url and not is_web_address(material.url):
            return {"materials": _("A material's link must start with https:// or http://.")}
        if material.document_slug and _document(material.document_slug) is None:
            return {"materials": _("No library document has the address %(slug)s.",
                                   slug=material.document_slug)}
        if not material.url and not material.document_slug:
            return {"materials": _("Give each material a link or a library document.")}
    return {}


def problems_of(data: EventData, actor: User | None) -> dict[str, str]:
    """Every reason the event cannot be saved, by field; empty when it can."""
    problems = {**_reference_problems(data, actor), **_time_problems(data)}
    if not (data.title_fr.strip() or data.title_en.strip()):
        problems["title_fr"] = _("Give the event a title, in French or in English.")
    if data.format not in FORMATS:
        problems["format"] = _("Choose a format from the list.")
    elif data.format != "online" and not data.place.strip():
        problems["place"] = _("Say where the event takes place.")
    if data.joining_url and not is_web_address(data.joining_url):
        problems["joining_url"] = _("The joining link must start with https:// or http://.")
    if data.language not in WORKING_LANGUAGES:
        problems["language"] = _("Choose a working language from the list.")
    if data.capacity is not None and not 1 <= data.capacity <= 100_000:
        problems["capacity"] = _("Give a number of seats from 1 to 100000, or leave it empty.")
    if data.status not in STATUSES:
        problems["status"] = _("Choose a status from the list.")
    if any(s.gender not in (None, *SPEAKER_GENDERS) for s in data.speakers):
        problems["speakers"] = _("Choose each speaker's gender from the list.")
    return {**problems, **_material_problems(data.materials)}


def _document(slug: str) -> LibraryDocument | None:
    slug = slug.strip().rstrip("/").rsplit("/library/", 1)[-1]
    return db.session.scalar(select(LibraryDocument).where(LibraryDocument.slug == slug))


# -- saving ---------------------------------------------------------------------------------------


def _snapshot(event: WebinarEvent) -> dict[str, object]:
    columns = {column.key: getattr(event, column.key) for column in WebinarEvent.__table__.c}
    columns["relations"] = (
        [o.id for o in event.organisers], [c.code for c in event.countries],
        [t.id for t in event.themes],
        [(s.name, s.affiliation, s.gender) for s in event.speakers],
        [(m.kind, m.title, m.url, m.document_id) for m in event.materials])
    return columns


def _apply(event: WebinarEvent, data: EventData) -> None:
    for name in ("kind", "title_fr", "title_en", "description_fr", "description_en", "timezone",
                 "starts_local", "ends_local", "format", "place", "joining_url", "language",
                 "capacity", "status"):
        value = getattr(data, name)
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    event.starts_at = to_utc(data.starts_local, data.timezone)
    event.ends_at = to_utc(data.ends_local, data.timezone)
    opens, closes = data.registration_opens_local, data.registration_closes_local
    event.registration_opens_at = to_utc(opens, data.timezone) if opens else None
    event.registration_closes_at = to_utc(closes, data.timezone) if closes else None
    event.organisers = list(db.session.scalars(select(Organisation).where(
        Organisation.id.in_(data.organisation_ids))))
    event.countries = list(db.session.scalars(select(Country).where(
        Country.code.in_(data.country_codes))))
    event.themes = list(db.session.scalars(select(Term).where(
        Term.vocabulary.in_(THEME_VOCABULARIES), Term.code.in_(data.theme_codes))))
    event.speakers = [EventSpeaker(name=s.name.strip(), affiliation=s.affiliation.strip(),
                                   gender=s.gender, position=n)
                      for n, s in enumerate(data.speakers)]
    event.materials = [EventMaterial(kind=m.kind, title=m.title.strip(), url=m.url.strip(),
                                     document=_document(m.document_slug)
                                     if m.document_slug else None, position=n)
                       for n, m in enumerate(data.materials)]


@dataclass(frozen=True)
class Saved:
    event: WebinarEvent
    changed: bool  # anything changed: SEQUENCE was raised
    notify: bool  # something registrants must be told about changed


class StaleEvent(Exception):
    """Someone saved the event since the form was filled: saving would undo their change."""

    def __init__(self, event: WebinarEvent) -> None:
        super().__init__(f"event {event.id} is at sequence {event.sequence}")
        self.event = event


def _store(event: WebinarEvent | None, data: EventData,
           actor: User | None) -> tuple[WebinarEvent, bool, bool]:
    """Write the event and commit: the event, whether anything changed, whether registrants
    must be told."""
    if event is None:
        event = WebinarEvent(uid=f"{uuid.uuid4()}@crpm-webinars", sequence=0,
                             created_by_id=actor.id if actor else None)
        db.session.add(event)
        before: dict[str, object] = {}
    else:
        before = _snapshot(event)
    _apply(event, data)
    db.session.flush()
    after = _snapshot(event)
    changed = before != after
    notify = bool(before) and any(before[name] != after[name] for name in NOTIFIED_FIELDS)
    if before and changed:
        event.sequence += 1
    if changed:
        event.updated_at = utcnow()
        record_change(SEARCH_KIND, str(event.id))  # re-indexed once this transaction commits
    db.session.commit()
    return event, changed, notify


def save_event(event: WebinarEvent | None, data: EventData, actor: User | None,
               expected_sequence: int | None = None) -> Saved:
    """Create or update an event; raises EventError with every problem, changing nothing, and
    StaleEvent when ``expected_sequence`` (what the editor saw) is no longer the event's."""
    problems = problems_of(data, actor)
    if problems:
        raise EventError(problems)
    if event is not None and expected_sequence is not None \
            and event.sequence != expected_sequence:
        db.session.rollback()
        raise StaleEvent(event)
    try:
        # raises the version loaded above, by a conditional UPDATE (crpm_cms.versions): of
        # two saves that passed the check at once, the second is refused (SQLite included)
        with saving(event, None):
            event, changed, notify = _store(event, data, actor)
    except StaleRecord:
        assert event is not None
        db.session.refresh(event)
        raise StaleEvent(event) from None
    registrations.ensure_activity(OWNER, event.id, capacity=event.capacity,
                                  starts_on=event.starts_at.date())
    return Saved(event, changed, notify)
