"""``/api/v1/events``: the public calendar as JSON (never the joining link), and its OpenAPI
description for ``/api/v1/openapi.json`` (the ``openapi_paths`` hook)."""

from __future__ import annotations

from typing import Any

from crpm_plugins.webinars import queries, registration
from crpm_plugins.webinars.models import FORMATS, STATUSES, WebinarEvent
from crpm_plugins.webinars.views import webinar_iso
from flask import Blueprint, abort, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from crpm_cms.hookspecs import ApiPaths
from crpm_cms.plugin_api import InvalidRequest, page_arguments, page_of, to_local, utcnow

blueprint = Blueprint("webinars_api", __name__, url_prefix="/api/v1/events")
WHEN = ("upcoming", "past")


def event_json(event: WebinarEvent, seats_left: int | None) -> dict[str, Any]:
    """What anyone may know about an event: everything but the joining link."""
    return {
        "id": event.id, "uid": event.uid, "kind": event.kind,
        "title_fr": event.title_fr, "title_en": event.title_en,
        "description_fr": event.description_fr, "description_en": event.description_en,
        "timezone": event.timezone,
        "start": to_local(event.starts_at, event.timezone).isoformat(),
        "end": to_local(event.ends_at, event.timezone).isoformat(),
        "start_utc": webinar_iso(event.starts_at), "end_utc": webinar_iso(event.ends_at),
        "format": event.format, "place": event.place, "language": event.language,
        "status": event.status, "sequence": event.sequence,
        "organisers": [organisation.name for organisation in event.organisers],
        "countries": [country.code for country in event.countries],
        "themes": [term.code for term in event.themes],
        "speakers": [{"name": s.name, "affiliation": s.affiliation} for s in event.speakers],
        "capacity": event.capacity, "seats_left": seats_left,
        "registration_open": registration.closed_reason(event) is None,
        "updated_at": webinar_iso(event.updated_at),
        "url": url_for("webinars.detail", event_id=event.id, _external=True),
        "ics_url": url_for("webinars.event_ics", event_id=event.id, _external=True),
    }


@blueprint.errorhandler(InvalidRequest)
def invalid_request(error: InvalidRequest) -> ResponseReturnValue:
    return jsonify(error=str(error), fields=error.fields), 400


@blueprint.get("")
def events() -> ResponseReturnValue:
    page, per_page = page_arguments(request.args)
    when = request.args.get("when") or "upcoming"
    if when not in WHEN:
        raise InvalidRequest(_("Invalid query."), {"when": _("Use upcoming or past.")})
    filters = queries.EventFilters.from_args(request.args)
    now = utcnow()
    query = queries.filtered(select(WebinarEvent), filters)
    if when == "upcoming":
        query = query.where(WebinarEvent.ends_at >= now).order_by(WebinarEvent.starts_at,
                                                                  WebinarEvent.id)
    else:
        query = query.where(WebinarEvent.ends_at < now).order_by(WebinarEvent.starts_at.desc(),
                                                                 WebinarEvent.id.desc())
    result = page_of(query, page, per_page)
    left = registration.seats_left_of(event.id for event in result.items)

    def link(number: int) -> str:
        arguments: dict[str, Any] = {**request.args.to_dict(), "page": number}
        return url_for("webinars_api.events", _external=True, **arguments)

    return jsonify(page=result.page, per_page=result.per_page,
                   next=link(page + 1) if result.has_next else None,
                   previous=link(page - 1) if page > 1 else None,
                   results=[event_json(event, left.get(event.id, event.capacity))
                            for event in result.items])


@blueprint.get("/<int:event_id>")
def event(event_id: int) -> ResponseReturnValue:
    found = queries.get(event_id)
    if found is None:
        abort(404)
    return jsonify(event_json(found, registration.seats_left_of([found.id]).get(
        found.id, found.capacity)))


def _parameter(name: str, kind: str = "string", **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind, **schema}}


EVENT_SCHEMA: dict[str, Any] = {"type": "object", "properties": {
    **{name: {"type": "string"} for name in (
        "uid", "kind", "title_fr", "title_en", "description_fr", "description_en", "place",
        "language", "url", "ics_url")},
    "id": {"type": "integer"}, "sequence": {"type": "integer"},
    "timezone": {"type": "string", "description": "IANA time zone of the event"},
    "start": {"type": "string", "format": "date-time",
              "description": "Start with the offset in force in the event's zone"},
    "end": {"type": "string", "format": "date-time"},
    "start_utc": {"type": "string", "format": "date-time"},
    "end_utc": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
    "format": {"type": "string", "enum": list(FORMATS)},
    "status": {"type": "string", "enum": list(STATUSES)},
    "organisers": {"type": "array", "items": {"type": "string"}},
    "countries": {"type": "array", "items": {"type": "string"}},
    "themes": {"type": "array", "items": {"type": "string"}},
    "speakers": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "affiliation": {"type": "string"}}}},
    "capacity": {"type": ["integer", "null"]}, "seats_left": {"type": ["integer", "null"]},
    "registration_open": {"type": "boolean"}}}


def openapi_description() -> ApiPaths:
    page = {"type": "object", "properties": {
        "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "next": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/CalendarEvent"}}}}
    json_of = {"application/json": {"schema": page}}
    one = {"application/json": {"schema": {"$ref": "#/components/schemas/CalendarEvent"}}}
    return ApiPaths(
        paths={
            "/events": {"get": {
                "summary": "Events of the calendar (webinars plugin); never the joining link",
                "parameters": [_parameter("when", enum=list(WHEN)), _parameter("kind"),
                               _parameter("country"), _parameter("theme"),
                               _parameter("format", enum=list(FORMATS)),
                               _parameter("page", "integer", minimum=1),
                               _parameter("per_page", "integer", minimum=1, maximum=100)],
                "responses": {"200": {"description": "A page of events", "content": json_of},
                              "400": {"description": "Invalid when, page or per_page"}}}},
            "/events/{id}": {"get": {
                "summary": "One event of the calendar",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "The event", "content": one},
                              "404": {"description": "No such event"}}}},
        },
        schemas={"CalendarEvent": EVENT_SCHEMA},
    )
