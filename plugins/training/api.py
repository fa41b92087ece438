"""``/api/v1/trainings``: published trainings as JSON, and their OpenAPI description."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from crpm_plugins.training import services
from crpm_plugins.training.models import Training
from flask import Blueprint, abort, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import or_, select

from crpm_cms.hookspecs import ApiPaths
from crpm_cms.plugin_api import (
    Country,
    InvalidRequest,
    csrf,
    db,
    page_arguments,
    page_links,
    page_of,
    to_local,
)

blueprint = Blueprint("training_api", __name__, url_prefix="/api/v1/trainings")
csrf.exempt(blueprint)  # read-only JSON

KIND, COUNTRY = re.compile(r"[a-z_]{1,40}"), re.compile(r"[A-Z]{2}")


def _utc(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def training_json(training: Training, seats_left: int | None) -> dict[str, Any]:
    return {
        "id": training.id, "kind": training.kind,
        "title_fr": training.title_fr, "title_en": training.title_en,
        "description_fr": training.description_fr, "description_en": training.description_en,
        "objectives_fr": training.objectives_fr, "objectives_en": training.objectives_en,
        "prerequisites_fr": training.prerequisites_fr,
        "prerequisites_en": training.prerequisites_en,
        "country": training.country_code,
        "target_countries": [c.code for c in training.target_countries],
        "target_organisation_kinds": list(training.target_kinds),
        "themes": [t.code for t in training.themes],
        "applications_open_at": _utc(training.applications_open_at),
        "applications_close_at": _utc(training.applications_close_at),
        "open": services.is_open(training), "seats_left": seats_left,
        "sessions": [{
            "starts_at": to_local(s.starts_at, s.timezone).isoformat(timespec="minutes"),
            "ends_at": to_local(s.ends_at, s.timezone).isoformat(timespec="minutes"),
            "timezone": s.timezone, "place": s.place, "online": s.online,
            "trainers": s.trainers, "language": s.language} for s in training.sessions],
        "url": url_for("training.detail", training_id=training.id, _external=True),
    }


@blueprint.get("")
def trainings() -> ResponseReturnValue:
    query = services.published_query()
    if request.args.get("open") in ("1", "true"):
        query = services.open_query()
    query = query.options(*services.API_OPTIONS)
    kind, country = request.args.get("kind", ""), request.args.get("country", "").upper()
    wrong = {name: message for name, value, pattern, message in (
        ("kind", kind, KIND, _("A kind of training such as study_visit.")),
        ("country", country, COUNTRY, _("An ISO country code such as SN.")))
        if value and not pattern.fullmatch(value)}
    if wrong:
        return jsonify(error=_("Invalid query."), fields=wrong), 400
    if kind:
        query = query.where(Training.kind == kind)
    if country:
        query = query.where(or_(Training.country_code == country,
                                Training.target_countries.any(Country.code == country)))
    try:
        page, per_page = page_arguments(request.args)
    except InvalidRequest as error:
        return jsonify(error=str(error), fields=error.fields), 400
    result = page_of(query, page, per_page)
    left = services.seats_left(result.items)
    return jsonify(**page_links(result),
                   results=[training_json(t, left.get(t.id)) for t in result.items])


@blueprint.get("/<int:training_id>")
def training(training_id: int) -> ResponseReturnValue:
    found = db.session.scalar(select(Training).where(Training.id == training_id,
                                                     Training.published))
    if found is None:
        abort(404)
    return jsonify(training_json(found, services.seats_left([found]).get(found.id)))


def _text(nullable: bool = False) -> dict[str, Any]:
    return {"type": ["string", "null"]} if nullable else {"type": "string"}


SCHEMAS = {
    "TrainingSession": {"type": "object", "properties": {
        "starts_at": {"type": "string", "format": "date-time",
                      "description": "Local time with its UTC offset"},
        "ends_at": {"type": "string", "format": "date-time"},
        "timezone": {"type": "string", "description": "IANA zone"},
        "place": _text(), "online": {"type": "boolean"}, "trainers": _text(),
        "language": _text()}},
    "Training": {"type": "object", "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["collective", "study_visit",
                                            "professional_exchange", "coaching"]},
        **{f"{name}_{lang}": _text() for name in ("title", "description", "objectives",
                                                   "prerequisites") for lang in ("fr", "en")},
        "country": _text(nullable=True),
        "target_countries": {"type": "array", "items": {"type": "string"}},
        "target_organisation_kinds": {"type": "array", "items": {"type": "string"}},
        "themes": {"type": "array", "items": {"type": "string"}},
        "applications_open_at": {"type": ["string", "null"], "format": "date-time"},
        "applications_close_at": {"type": ["string", "null"], "format": "date-time"},
        "open": {"type": "boolean", "description": "Accepting applications now"},
        "seats_left": {"type": ["integer", "null"], "description": "null: no limit"},
        "sessions": {"type": "array", "items": {"$ref": "#/components/schemas/TrainingSession"}},
        "url": {"type": "string"}}},
}


def openapi_paths() -> ApiPaths:
    parameters = [{"name": name, "in": "query", "required": False, "schema": {"type": kind}}
                  for name, kind in (("kind", "string"), ("country", "string"),
                                     ("open", "string"), ("page", "integer"))]
    parameters.append({"name": "per_page", "in": "query", "required": False,
                       "schema": {"type": "integer", "minimum": 1, "maximum": 100}})
    one = {"$ref": "#/components/schemas/Training"}
    return ApiPaths(paths={
        "/trainings": {"get": {
            "summary": "Published trainings (open=1: accepting applications now)",
            "parameters": parameters,
            "responses": {"200": {"description": "Trainings", "content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "page": {"type": "integer"}, "per_page": {"type": "integer"},
                    "next": {"type": ["string", "null"]},
                    "previous": {"type": ["string", "null"]},
                    "results": {"type": "array", "items": one}}}}}},
                "400": {"description": "Invalid page or per_page"}}}},
        "/trainings/{id}": {"get": {
            "summary": "One published training",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "The training", "content": {
                "application/json": {"schema": one}}},
                "404": {"description": "Not found, or not published"}}}},
    }, schemas=SCHEMAS)
