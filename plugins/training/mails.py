"""One e-mail per change of state, in the person's language.

The core registrations service emits ``registration.changed`` after each committed transition
(promotions from the waitlist and expired offers included); ``handle_event`` sends the e-mail for
the two owners of this plugin, so every transition sends exactly one message.
"""

from __future__ import annotations

from typing import Any

from crpm_plugins.training import certificates
from crpm_plugins.training.dates import local_datetime
from crpm_plugins.training.models import CoachingSlot, Training
from flask import url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from crpm_cms.plugin_api import (
    Registration,
    User,
    db,
    external_links,
    language_of,
    registrations,
    send_mail,
)

OWNER = "training.training"
COACHING_OWNER = "training.coaching"
OWNERS = (OWNER, COACHING_OWNER)

# subject and first paragraph per new state; %(title)s is the training or the coaching slot
MESSAGES: dict[str, tuple[Any, Any]] = {
    "applied": (_l("Application received: %(title)s"),
                _l("We have received your application to “%(title)s”. The team of your country "
                   "will review it, and you will receive an e-mail at each step.")),
    "approved": (_l("Your application is accepted: %(title)s"),
                 _l("A seat is held for you in “%(title)s”. Please confirm it before "
                    "%(expires)s; after that date it goes to the next person on the waiting "
                    "list.")),
    "offered": (_l("A seat is available for you: %(title)s"),
                _l("A seat has become free in “%(title)s” and it is offered to you, in the order "
                   "of the waiting list. Please confirm it before %(expires)s; after that date "
                   "it goes to the next person.")),
    "registered": (_l("Your seat is confirmed: %(title)s"),
                   _l("Your seat in “%(title)s” is confirmed. We look forward to seeing you.")),
    "waitlisted": (_l("On the waiting list: %(title)s"),
                   _l("All seats of “%(title)s” are taken for now. You are on the waiting list: "
                      "if a seat becomes free it will be offered to you by e-mail, in the order "
                      "of arrival.")),
    "rejected": (_l("Your application was not accepted: %(title)s"),
                 _l("We are sorry: your application to “%(title)s” was not accepted this time.")),
    "withdrawn": (_l("Your withdrawal is recorded: %(title)s"),
                  _l("You have withdrawn from “%(title)s”. Your seat, if you held one, goes to "
                     "the next person on the waiting list.")),
    "cancelled": (_l("Your participation was cancelled: %(title)s"),
                  _l("The organisers have cancelled your participation in “%(title)s”.")),
    "expired": (_l("Your seat offer has expired: %(title)s"),
                _l("The seat offered to you in “%(title)s” was not confirmed in time and has "
                   "gone to the next person. You may apply again while applications are "
                   "open.")),
    "attended": (_l("Your attendance is recorded: %(title)s"),
                 _l("Thank you for taking part in “%(title)s”: your attendance is recorded.")),
    "no_show": (_l("You were recorded as absent: %(title)s"),
                _l("You were recorded as absent from “%(title)s”. If this is a mistake, please "
                   "reply to the organisers.")),
    "certified": (_l("Your certificate of participation: %(title)s"),
                  _l("Your certificate of participation in “%(title)s” is ready. Download it "
                     "from your trainings page; anyone can check it with its verification "
                     "code.")),
}


def link(endpoint: str, **values: Any) -> str:
    """A full address for an e-mail (``external_links``: the request's, or ``SITE_URL``)."""
    with external_links():
        return url_for(endpoint, _external=True, **values)


def handle_registration_event(payload: dict[str, Any]) -> None:
    """Send the e-mail for one transition of this plugin's activities; nothing for others."""
    if payload.get("owner") not in OWNERS or payload.get("to") not in MESSAGES:
        return
    registration = db.session.get(Registration, payload["registration_id"])
    user = db.session.get(User, payload["user_id"])
    if registration is None or user is None or user.status == "deleted":
        return
    language = language_of(user)
    with force_locale(language):
        context = _context(payload, registration, user, language)
    if context is not None:
        send_mail(user.email, "training/transition", language, **context)


def _context(payload: dict[str, Any], registration: Registration, user: User,
             language: str | None) -> dict[str, Any] | None:
    subject, body = MESSAGES[payload["to"]]
    title, zone, link = _activity(payload, language)
    if title is None:
        return None
    expires = local_datetime(registration.offer_expires_at, zone)
    values = {"title": title, "expires": expires}
    extra = ""
    if payload["to"] == "certified" and payload["owner"] == OWNER:
        extra = _certificate_link(registration)
    return {"subject": str(subject) % values, "body": str(body) % values, "name":
            user.display_name, "link": link, "note": _last_note(registration, payload["to"]),
            "extra": extra}


def _activity(payload: dict[str, Any], language: str | None) -> tuple[str | None, str, str]:
    """Title, time zone and page of the training or coaching slot the event is about."""
    if payload["owner"] == OWNER:
        training = db.session.get(Training, payload["external_id"])
        if training is None:
            return None, "UTC", ""
        return (training.title_in(language), training.timezone,
                link("training.detail", training_id=training.id))
    slot = db.session.get(CoachingSlot, payload["external_id"])
    if slot is None:
        return None, "UTC", ""
    when = local_datetime(slot.starts_at, slot.timezone, "short")
    return (f"{slot.topic} — {slot.coach.display_name}, {when}", slot.timezone,
            link("training.coaching_slot", slot_id=slot.id))


def _last_note(registration: Registration, state: str) -> str:
    """What the reviewer wrote with this step, if anything (reviewers' steps only)."""
    if state not in ("approved", "rejected", "cancelled", "waitlisted", "no_show"):
        return ""
    steps = registrations.history(registration)
    return steps[-1].note if steps and steps[-1].to_state == state else ""


def _certificate_link(registration: Registration) -> str:
    training = db.session.get(Training, registration.activity.external_id)
    if training is None:
        return ""
    certificate = certificates.issue(registration, training)
    return link("training.verify_certificate", code=certificate.code)
