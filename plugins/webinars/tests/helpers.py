"""Helpers shared by this plugin's tests."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from email.header import decode_header, make_header

from crpm_plugins.webinars.models import OWNER, WebinarEvent
from crpm_plugins.webinars.services import EventData, SpeakerData, save_event
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crpm_cms.plugin_api import Registration, RegistrationActivity, User, db, utcnow
from crpm_cms.testing import PASSWORD, Client, client_of
from crpm_cms.testing import accounts as users

SECRET_LINK = "https://visio.example.org/salle-secrete-4711"


RAMADAN_DAY = datetime(2027, 2, 25, 10, 0)  # Morocco is on UTC+0 that day (tz database)


def in_days(days: int, hour: int = 10) -> datetime:
    day = utcnow().date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour)


def add_event(app: Flask, **changes: object) -> int:
    """An event saved through the service (as the system), returning its id."""
    with app.app_context():
        return save_event(None, event_data(**changes), None).event.id


def stored_event(app: Flask, event_id: int) -> WebinarEvent:
    with app.app_context():
        event = db.session.get(WebinarEvent, event_id)
        db.session.expunge(event)
        return event


def add_member(app: Flask, email: str, **profile: object) -> str:
    with app.app_context():
        user = users.create_user(email, email.split("@")[0].title(), PASSWORD)
        for name, value in profile.items():
            setattr(user, name, value)
        db.session.commit()
    return email


def user_id(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def browser(app: Flask, email: str | None = None) -> Client:
    """Another visitor (its own cookies), signed in as ``email`` if given."""
    return client_of(app, email)


def readable(body: str) -> str:
    """HTML as text to compare: entities decoded, Babel's narrow no-break spaces as spaces and
    its en dashes as hyphens."""
    return (html.unescape(body).replace("\u202f", " ").replace("\u00a0", " ")
            .replace("\u2013", "-"))


def text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return readable(response.get_data(as_text=True))


def form_fields(**changes: str) -> dict[str, str]:
    """The event form as a person would fill it in."""
    fields = {"kind": "webinar", "title_fr": "Forum des diasporas", "title_en": "Diaspora forum",
              "description_fr": "Rencontre annuelle.", "timezone": "Africa/Dakar",
              "starts_local": in_days(40).strftime("%Y-%m-%dT%H:%M"),
              "ends_local": in_days(40, 12).strftime("%Y-%m-%dT%H:%M"), "format": "online",
              "joining_url": SECRET_LINK, "language": "fr", "capacity": "30",
              "status": "scheduled", "countries": "SN", "themes": "diaspora",
              "speakers-0-name": "Awa Diop", "speakers-0-gender": "woman",
              "materials-0-kind": "recording"}
    fields.update(changes)
    return fields


def states(app: Flask, event_id: int) -> dict[int, str]:
    """user id → state, in queue order."""
    with app.app_context():
        rows = db.session.execute(
            select(Registration.user_id, Registration.state)
            .join(RegistrationActivity, Registration.activity_id == RegistrationActivity.id)
            .where(RegistrationActivity.owner == OWNER,
                   RegistrationActivity.external_id == event_id)
            .order_by(Registration.queued_at, Registration.id)).all()
    return dict(rows)


def subject(message) -> str:  # type: ignore[no-untyped-def]
    return str(make_header(decode_header(message["Subject"])))


def message_parts(message) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The text body, the text/calendar alternative and the attached .ics of a message."""
    parts: dict[str, object] = {}
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("text/plain", "text/calendar", "application/ics"):
            parts[kind] = part
    return parts


def event_data(**changes: object) -> EventData:
    start = changes.pop("starts_local", in_days(30))
    values: dict[str, object] = {
        "kind": "webinar", "timezone": "Africa/Dakar", "starts_local": start,
        "ends_local": start + timedelta(hours=2), "title_fr": "Webinaire des réseaux",
        "title_en": "Networks webinar", "description_fr": "Échanges de pratiques.",
        "format": "online", "joining_url": SECRET_LINK, "country_codes": ["SN"],
        "theme_codes": ["governance"],
        "speakers": [SpeakerData("Awa Diop", "AFMRT", "woman")]}
    values.update(changes)
    return EventData(**values)  # type: ignore[arg-type]
