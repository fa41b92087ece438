"""E-mails of the calendar, in each person's language: one per registration change (sent from
``handle_event``), updates when an event changes, and reminders. Confirmations carry the event
as a calendar invitation (``METHOD:REQUEST``); a withdrawal or a cancellation, ``METHOD:CANCEL``."""

from __future__ import annotations

from typing import Any

from crpm_plugins.webinars import calendars, registration
from crpm_plugins.webinars.models import OWNER, WebinarEvent
from crpm_plugins.webinars.timezones import profile_zone, shown
from flask import url_for
from flask_babel import force_locale

from crpm_cms.hookspecs import Event
from crpm_cms.plugin_api import Registration, User, db, deliver, language_of, render_message

# (action, new state) → (mail template, invitation method or None)
REGISTRATION_MAILS: dict[tuple[str, str], tuple[str, str | None]] = {
    ("register", "registered"): ("registered", "REQUEST"),
    ("register", "waitlisted"): ("waitlisted", None),
    ("promote", "registered"): ("promoted", "REQUEST"),
    ("withdraw", "withdrawn"): ("withdrawn", "CANCEL"),
    ("cancel", "cancelled"): ("registration_cancelled", "CANCEL"),
}


def _times(event: WebinarEvent, user: User, language: str) -> list[Any]:
    """The event's time in its zone, and in the person's zone when they chose another one."""
    times = [shown(event.starts_at, event.ends_at, event.timezone, language)]
    own = profile_zone(user.id)
    if own and own != event.timezone:
        times.append(shown(event.starts_at, event.ends_at, own, language))
    return times


def send(user: User, template: str, event: WebinarEvent, method: str | None = None,
         **context: Any) -> None:
    """Render ``mail/webinars/<template>.txt`` for ``user`` and put it in the outbox (sent
    after the response, or by ``crpm jobs run``). The joining link goes to registered people
    only."""
    language = language_of(user)
    with force_locale(language):
        registered = method == "REQUEST" or context.pop("with_link", False)
        joining = event.joining_url if registered and event.is_online else ""
        message = render_message(
            user.email, f"webinars/{template}", language, user=user, event=event,
            times=_times(event, user, language), joining_url=joining,
            page=url_for("webinars.detail", event_id=event.id, _external=True), **context)
        if method:
            invitation = calendars.calendar(
                [calendars.Entry(event, joining or None)], event.title, method=method,
                attendee=user)
            message.add_alternative(invitation.decode(), subtype="calendar",
                                    params={"method": method})
            message.add_attachment(invitation, maintype="application", subtype="ics",
                                   filename="invitation.ics")
    deliver(message, f"webinars/{template}")


def on_registration_changed(event: Event) -> None:
    """One e-mail per transition of our registrations (the core emits one event each)."""
    payload = event.payload
    if payload.get("owner") != OWNER:
        return
    mail = REGISTRATION_MAILS.get((payload["action"], payload["to"]))
    found = db.session.get(WebinarEvent, payload.get("external_id"))
    person = db.session.get(User, payload.get("user_id"))
    if mail is None or found is None or person is None:
        return
    template, method = mail
    entry = db.session.get(Registration, payload.get("registration_id"))
    position = registration.waitlist_position(entry) if entry is not None else None
    send(person, template, found, method, position=position)


def notify_change(event: WebinarEvent) -> int:
    """Tell everyone registered or waiting that the event changed; returns how many were told."""
    told = 0
    for entry in registration.participants(event):
        if entry.state not in ("registered", "waitlisted"):
            continue
        is_registered = entry.state == "registered"
        method = ("CANCEL" if event.status == "cancelled" else "REQUEST") if is_registered \
            else None
        send(entry.user, "event_changed", event, method,
             with_link=is_registered and event.status != "cancelled")
        told += 1
    return told
