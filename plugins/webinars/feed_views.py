"""Calendar files and the member's calendar settings: ``/events/calendar.ics``,
``/events/<id>.ics``, the personal feed at its secret address, resetting that address, and the
time zone chosen on the account page. Feeds answer conditional requests (ETag, Last-Modified)
from a fingerprint computed with one small query, before any calendar is built."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from crpm_plugins.webinars import calendars, feeds, queries, registration
from crpm_plugins.webinars.forms import ButtonForm, ZoneForm
from crpm_plugins.webinars.models import WebinarEvent
from crpm_plugins.webinars.timezones import save_profile_zone
from crpm_plugins.webinars.views import event_or_404
from flask import Response, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crpm_cms.plugin_api import (
    Routes,
    content_disposition,
    db,
    get_setting,
    is_zone,
    require,
    zone_choices,
)

routes = Routes()  # added to the plugin's blueprint by register_blueprints

ICS = "text/calendar; charset=utf-8"
SEATED = ("registered", "attended", "no_show")  # a waiting list place is not in the calendar


def conditional_calendar(etag: str, last_modified: datetime | None,
                         build: Callable[[], bytes], private: bool = False) -> Response:
    """304 when the client holds this version; otherwise build the calendar and send it."""
    modified = last_modified.replace(microsecond=0, tzinfo=UTC) if last_modified else None
    not_modified = Response(status=304) if (
        etag in request.if_none_match
        or (not request.if_none_match and modified and request.if_modified_since
            and modified <= request.if_modified_since)) else None
    response = not_modified or Response(build(), content_type=ICS)
    response.set_etag(etag)
    if modified:
        response.last_modified = modified
    response.headers["Cache-Control"] = "private, no-cache" if private else "public, max-age=300"
    return response


@routes.get("/calendar.ics")
def calendar_feed() -> ResponseReturnValue:
    """Every public event of the last 180 days and after: no joining link, ever."""
    since = queries.feed_window()
    count, latest, highest = feeds.public_state(since)

    def build() -> bytes:
        events = db.session.scalars(select(WebinarEvent).where(WebinarEvent.ends_at >= since)
                                    .order_by(WebinarEvent.starts_at, WebinarEvent.id))
        name = _("%(site)s — events", site=get_setting("site_name"))
        return calendars.calendar([calendars.Entry(event) for event in events], name)

    return conditional_calendar(calendars.fingerprint("public", count, latest, highest),
                                latest, build)


@routes.get("/<int:event_id>.ics")
def event_ics(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)

    def build() -> bytes:
        return calendars.calendar([calendars.Entry(event)], event.title)

    response = conditional_calendar(
        calendars.fingerprint("event", event.id, event.sequence, event.updated_at),
        event.updated_at, build)
    response.headers["Content-Disposition"] = content_disposition(f"event-{event.id}.ics")
    return response


@routes.get("/feeds/<token>.ics")
def personal_feed(token: str) -> ResponseReturnValue:
    """The member's registered events with their joining links; 404 for a revoked address."""
    user = feeds.owner_of(token)
    if user is None:
        abort(404)
    mine = registration.events_of(user, SEATED)
    state = [(event.id, event.sequence, event.updated_at, entry.state, entry.updated_at)
             for event, entry in mine]
    latest = max([moment for row in state for moment in (row[2], row[4])], default=None)

    def build() -> bytes:
        entries = [calendars.Entry(event, (event.joining_url or None) if event.is_online
                                   and entry.state in SEATED else None)
                   for event, entry in mine]
        return calendars.calendar(entries, _("My events — %(site)s",
                                             site=get_setting("site_name")))

    return conditional_calendar(calendars.fingerprint("personal", user.id, state), latest,
                                build, private=True)


@routes.post("/feeds/reset")
def reset_feed() -> ResponseReturnValue:
    require("webinars.register")
    if not ButtonForm().validate_on_submit():
        abort(400)
    feeds.reset(current_user)
    flash(_("Your calendar has a new secret address; the old one no longer works."), "success")
    return redirect(url_for("users.account", _anchor="webinars-account")), 303


@routes.post("/time-zone")
def save_zone() -> ResponseReturnValue:
    """The member's zone (empty: use the browser's, as the little script reports it)."""
    require("webinars.register")
    form = ZoneForm()
    form.timezone.choices = [("", ""), *zone_choices()]
    chosen = form.timezone.data or ""
    if not form.validate_on_submit() or (chosen and not is_zone(chosen)):
        flash(_("Choose a time zone from the list."), "error")
        return redirect(url_for("users.account", _anchor="webinars-account")), 303
    save_profile_zone(current_user.id, chosen or None)
    flash(_("Your time zone is saved."), "success")
    return redirect(url_for("users.account", _anchor="webinars-account")), 303
