"""``/events/``: the public calendar (upcoming, month grid, archive, event pages), registration
for members, and the member's own settings (time zone). Feeds are in ``feed_views``, the
organisers' pages in ``manage``."""

from __future__ import annotations

import calendar as month_calendar
from datetime import UTC, date, datetime
from typing import Any

from babel.dates import format_date, get_day_names
from crpm_plugins.webinars import queries, registration
from crpm_plugins.webinars.forms import (
    FORMAT_LABELS,
    LANGUAGE_LABELS,
    MATERIAL_LABELS,
    ButtonForm,
    FilterForm,
)
from crpm_plugins.webinars.models import EventMaterial, WebinarEvent
from crpm_plugins.webinars.timezones import shown, viewer_zone, zone_place
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from crpm_cms.plugin_api import (
    STATE_LABELS,
    LibraryDocument,
    RegistrationError,
    countries,
    db,
    deployment_zone,
    page_number,
    require,
    terms,
    theme_choices,
    utcnow,
    visible_documents,
)

blueprint = Blueprint("webinars", __name__, url_prefix="/events",
                      template_folder="templates", static_folder="static")


def kind_labels() -> dict[str, str]:
    return {term.code: term.label for term in terms("event_kind")}


@blueprint.app_template_global("webinar_times")
def webinar_times(event: WebinarEvent) -> list[dict[str, Any]]:
    """The event's time in its own zone and, when known and different, in the visitor's."""
    times = [{"label": _("Event time"), "time": shown(event.starts_at, event.ends_at,
                                                       event.timezone)}]
    zone_name = viewer_zone()
    if zone_name and zone_name != event.timezone:
        times.append({"label": _("Your time"),
                      "time": shown(event.starts_at, event.ends_at, zone_name)})
    return times


@blueprint.app_template_global("webinar_iso")
def webinar_iso(moment: datetime) -> str:
    """A stored UTC instant for ``<time datetime>``."""
    return moment.replace(microsecond=0, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def filter_form() -> tuple[FilterForm, queries.EventFilters]:
    form = FilterForm(formdata=request.args)
    form.kind.choices = [("", _("All kinds")), *kind_labels().items()]
    form.country.choices = [("", _("All countries"))] + [(c.code, c.name) for c in countries()]
    # The None group holds options outside any <optgroup>: WTForms takes it, its stubs do not.
    form.theme.choices = ({None: [("", _("All themes"))]}  # type: ignore[assignment]
                          | theme_choices(lambda t: t.code))
    form.format.choices = [("", _("All formats")), *FORMAT_LABELS.items()]
    return form, queries.EventFilters.from_args(request.args)


def render_list(template: str, **context: Any) -> str:
    form, filters = filter_form()
    return render_template(template, form=form, filters=filters, kinds=kind_labels(),
                           formats=FORMAT_LABELS, zone_known=viewer_zone() is not None,
                           **context)


@blueprint.get("/")
def index() -> str:
    filters = queries.EventFilters.from_args(request.args)
    return render_list("webinars/index.html",
                       pagination=queries.upcoming(filters, page_number()))


@blueprint.get("/past")
def past() -> str:
    filters = queries.EventFilters.from_args(request.args)
    return render_list("webinars/index.html", pagination=queries.past(filters, page_number()))


@blueprint.get("/month")
def month() -> str:
    """A month grid drawn on the server, in the visitor's zone (or the deployment's)."""
    zone_name = viewer_zone() or deployment_zone().key
    year, number = queries.month_of(request.args.get("month"), utcnow().date())
    filters = queries.EventFilters.from_args(request.args)
    by_day: dict[int, list[dict[str, Any]]] = {}
    for event in queries.in_month(year, number, zone_name, filters):
        time = shown(event.starts_at, event.ends_at, zone_name)
        by_day.setdefault(time.start.day, []).append({"event": event, "time": time})
    weeks = month_calendar.Calendar(firstweekday=0).monthdays2calendar(year, number)
    previous = (year - 1, 12) if number == 1 else (year, number - 1)
    following = (year + 1, 1) if number == 12 else (year, number + 1)
    locale = get_locale() or "fr"
    return render_list("webinars/month.html", year=year, month_number=number, weeks=weeks,
                       by_day=by_day, zone_name=zone_name, zone_place=zone_place(zone_name),
                       day_names=get_day_names("wide", locale=locale),
                       month_title=format_date(date(year, number, 1), "LLLL y", locale=locale),
                       previous=f"{previous[0]:04d}-{previous[1]:02d}",
                       following=f"{following[0]:04d}-{following[1]:02d}")


def visible_materials(event: WebinarEvent) -> list[EventMaterial]:
    """Recording links, and library documents this visitor may open (members-only stay hidden)."""
    ids = [material.document_id for material in event.materials if material.document_id]
    allowed = set(db.session.scalars(visible_documents(current_user).where(
        LibraryDocument.id.in_(ids)).with_only_columns(LibraryDocument.id))) if ids else set()
    return [m for m in event.materials if m.url or m.document_id in allowed]


def event_or_404(event_id: int) -> WebinarEvent:
    event = queries.get(event_id)
    if event is None:
        abort(404)
    return event


@blueprint.get("/<int:event_id>")
def detail(event_id: int) -> str:
    event = event_or_404(event_id)
    mine = registration.registration_of(event, current_user)
    language_label = LANGUAGE_LABELS.get(event.language, event.language)
    return render_template(
        "webinars/detail.html", event=event, kinds=kind_labels(), formats=FORMAT_LABELS,
        material_labels=MATERIAL_LABELS,
        language_label=language_label, seats=registration.seats(event), mine=mine,
        state_labels=STATE_LABELS, position=registration.waitlist_position(mine) if mine else None,
        closed=registration.closed_reason(event), is_over=event.ends_at < utcnow(),
        materials=visible_materials(event),
        may_manage=queries.may_manage(current_user, event)
        if current_user.is_authenticated and queries.may_create(current_user) else False,
        zone_known=viewer_zone() is not None)


def _registration_action(event_id: int, act: Any, done: Any) -> ResponseReturnValue:
    require("webinars.register")
    event = event_or_404(event_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        entry = act(event, current_user)
    except RegistrationError as error:
        flash(error.message, "error")
        return redirect(url_for("webinars.detail", event_id=event.id)), 303
    flash(done(entry), "success")
    return redirect(url_for("webinars.detail", event_id=event.id)), 303


def _registered_message(entry: Any) -> str:
    if entry.state == "waitlisted":
        return _("The event is full: you are number %(position)s on the waiting list. We will "
                 "e-mail you if a seat frees up.",
                 position=registration.waitlist_position(entry))
    return _("You are registered. The confirmation, with the joining details and a calendar "
             "invitation, is in your mailbox.")


@blueprint.post("/<int:event_id>/register")
def register(event_id: int) -> ResponseReturnValue:
    return _registration_action(event_id, registration.register, _registered_message)


@blueprint.post("/<int:event_id>/withdraw")
def withdraw(event_id: int) -> ResponseReturnValue:
    return _registration_action(event_id, registration.withdraw,
                                lambda _entry: _("Your registration is cancelled."))
