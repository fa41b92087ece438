"""The organisers' pages under ``/events/``: their events, the event form, participants with
attendance marking and exports, and the statistics. Editors and focal points act on the events
of their countries; admins on all."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crpm_plugins.webinars import mails, queries, registration, services, statistics
from crpm_plugins.webinars.forms import GENDER_LABELS, SEX_LABELS, EventForm
from crpm_plugins.webinars.models import WebinarEvent
from crpm_plugins.webinars.views import event_or_404, kind_labels
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crpm_cms.plugin_api import (
    CSV_MEDIA_TYPE,
    MAX_ROW_ID,
    STATE_LABELS,
    XLSX_MEDIA_TYPE,
    Organisation,
    RegistrationError,
    Routes,
    countries,
    csv_bytes,
    db,
    download,
    page_number,
    require,
    row_ids,
    theme_choices,
    to_local,
    utcnow,
    whole_number_in,
    xlsx_bytes,
    zone_choices,
)

routes = Routes()  # added to the plugin's blueprint by register_blueprints


def managed_event(event_id: int) -> WebinarEvent:
    require(queries.MANAGE)
    event = event_or_404(event_id)
    if not queries.may_manage(current_user, event):
        abort(403)
    return event


def event_form(event: WebinarEvent | None) -> EventForm:
    form = EventForm(obj=None)
    if event is not None and request.method == "GET":
        fill(form, event)
    form.kind.choices = list(kind_labels().items())
    form.timezone.choices = zone_choices()
    form.organisers.choices = [(o.id, o.name) for o in db.session.scalars(
        select(Organisation).order_by(Organisation.name))]
    form.countries.choices = [(c.code, c.name) for c in countries()]
    form.themes.choices = theme_choices(lambda term: term.code)
    return form


def fill(form: EventForm, event: WebinarEvent) -> None:
    """The form as the event stands (GET of the edit page)."""
    for name in ("kind", "title_fr", "title_en", "description_fr", "description_en", "timezone",
                 "starts_local", "ends_local", "format", "place", "joining_url", "language",
                 "capacity", "status"):
        getattr(form, name).data = getattr(event, name)
    for name in ("registration_opens", "registration_closes"):
        stored: datetime | None = getattr(event, f"{name}_at")
        getattr(form, f"{name}_local").data = (
            to_local(stored, event.timezone).replace(tzinfo=None) if stored else None)
    form.sequence.data = str(event.sequence)
    form.organisers.data = [o.id for o in event.organisers]
    form.countries.data = [c.code for c in event.countries]
    form.themes.data = [t.code for t in event.themes]
    _fill_rows(form.speakers, [{"name": s.name, "affiliation": s.affiliation,
                                "gender": s.gender or ""} for s in event.speakers], 2)
    _fill_rows(form.materials, [{"kind": m.kind, "title": m.title, "url": m.url,
                                 "document": m.document.slug if m.document else ""}
                                for m in event.materials], 1)


def _fill_rows(rows: Any, values: list[dict[str, str]], blank: int) -> None:
    while len(rows):
        rows.pop_entry()
    for value in values:
        rows.append_entry(value)
    for _blank in range(blank):
        rows.append_entry()


def save(event: WebinarEvent | None) -> ResponseReturnValue:
    form = event_form(event)
    if request.method == "POST" and form.validate_on_submit():
        expected = form.sequence.data or ""
        try:
            saved = services.save_event(event, form.data_for_service(), current_user,
                                        whole_number_in(expected, 0, MAX_ROW_ID))
        except services.StaleEvent as stale:
            form.sequence.data = str(stale.event.sequence)  # saving again is a choice
            flash(_("Someone else saved this event while you were editing it: your changes "
                    "are below, not saved. Compare them with the event as it now stands, then "
                    "save again to replace it."), "error")
            return render_template("webinars/edit.html", form=form, event=stale.event), 409
        except services.EventError as error:
            for name, message in error.problems.items():
                target = getattr(form, name, None)
                if target is not None:
                    target.errors = [*target.errors, message]
            flash(_("The event was not saved: please correct the fields marked below."), "error")
        else:
            told = mails.notify_change(saved.event) if saved.notify else 0
            flash(_("The event is saved.") + (" " + _("%(count)s registered people were told "
                                                        "by e-mail.", count=told) if told else ""),
                  "success")
            return redirect(url_for("webinars.detail", event_id=saved.event.id)), 303
    status = 400 if request.method == "POST" else 200
    return render_template("webinars/edit.html", form=form, event=event), status


@routes.route("/new", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    require(queries.MANAGE)
    return save(None)


@routes.route("/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int) -> ResponseReturnValue:
    return save(managed_event(event_id))


@routes.get("/manage")
def manage() -> str:
    require(queries.MANAGE)
    query = queries.managed_by(current_user).order_by(WebinarEvent.starts_at.desc(),
                                                      WebinarEvent.id.desc())
    pagination = db.paginate(query, page=page_number(), per_page=queries.PAGE_SIZE,
                             error_out=False)
    return render_template("webinars/manage.html", pagination=pagination, kinds=kind_labels(),
                           now=utcnow())


@routes.get("/<int:event_id>/participants")
def participants(event_id: int) -> str:
    event = managed_event(event_id)
    _overall, balances = statistics.speaker_balance(
        select(WebinarEvent).where(WebinarEvent.id == event.id))
    return render_template(
        "webinars/participants.html", event=event, entries=registration.participants(event),
        state_labels=STATE_LABELS, seats=registration.seats(event),
        may_mark=event.starts_at <= utcnow(), balance=balances.get(event.id),
        gender_labels=GENDER_LABELS, sex_labels=SEX_LABELS, country_names=country_names(),
        by_sex=statistics.participation([event.id], "sex"),
        by_country=statistics.participation([event.id], "country"))


@routes.post("/<int:event_id>/attendance")
def attendance(event_id: int) -> ResponseReturnValue:
    """Marks sent as ``mark-<registration id>=attended|no_show``, once the event has begun."""
    event = managed_event(event_id)
    if event.starts_at > utcnow():
        flash(_("Attendance can be marked once the event has started."), "error")
        return redirect(url_for("webinars.participants", event_id=event.id)), 303
    marks = {number: value for key, value in request.form.items() if key.startswith("mark-")
             for number in row_ids([key[5:]])}
    try:
        changed = registration.mark_attendance(event, marks, current_user)
    except RegistrationError as error:
        flash(error.message, "error")
    else:
        flash(_("Attendance saved (%(count)s change(s)).", count=changed), "success")
    return redirect(url_for("webinars.participants", event_id=event.id)), 303


@routes.get("/<int:event_id>/participants.<any(csv, xlsx):extension>")
def export(event_id: int, extension: str) -> ResponseReturnValue:
    """The participant list, formula-safe (the core's export helpers)."""
    event = managed_event(event_id)
    header = [_("Name"), _("E-mail"), _("Organisation"), _("Country"), _("State"),
              _("Registered on")]
    rows = [[entry.user.display_name, entry.user.email,
             entry.user.organisation.name if entry.user.organisation else "",
             entry.country_code or "", str(STATE_LABELS.get(entry.state, entry.state)),
             entry.created_at.replace(microsecond=0)]
            for entry in registration.participants(event)]
    if extension == "csv":
        body, media_type = csv_bytes(header, rows), CSV_MEDIA_TYPE
    else:
        body, media_type = xlsx_bytes(header, rows, event.title), XLSX_MEDIA_TYPE
    return download(body, f"participants-{event.id}.{extension}", media_type)


@routes.get("/statistics")
def statistics_page() -> str:
    """Participation by gender and by country, and speaker balance, over the managed events."""
    require(queries.MANAGE)
    managed = queries.managed_by(current_user)
    ids = list(db.session.scalars(managed.with_only_columns(WebinarEvent.id)))
    overall, per_event = statistics.speaker_balance(managed)
    events = list(db.session.scalars(managed.where(WebinarEvent.id.in_(per_event))
                                     .order_by(WebinarEvent.starts_at.desc())))
    return render_template("webinars/statistics.html", by_sex=statistics.participation(ids, "sex"),
                           by_country=statistics.participation(ids, "country"),
                           overall=overall, per_event=per_event, events=events,
                           sex_labels=SEX_LABELS, country_names=country_names())


def country_names() -> dict[str, str]:
    return {country.code: country.name for country in countries()}
