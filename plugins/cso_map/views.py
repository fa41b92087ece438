"""``/map/``: the map and its list, the points it draws, popups, downloads and statistics.

Views parse the filters, ask ``queries``/``exports`` and render; the rules live there. Every
page works without JavaScript: the map is drawn over the same filtered list.
"""

from __future__ import annotations

import json

from crpm_plugins.cso_map import exports, queries
from crpm_plugins.cso_map.forms import MapFilterForm
from crpm_plugins.cso_map.queries import MapFilters
from crpm_plugins.cso_map.tiles import tile_settings
from crpm_plugins.cso_map.vocabulary import GENDER_FOCUS_LABELS, target_group_labels
from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from crpm_cms.plugin_api import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Organisation,
    content_disposition,
    countries,
    csv_bytes,
    db,
    download,
    page_number,
    row_ids,
    terms,
    theme_choices,
    visitor,
    xlsx_bytes,
)
from crpm_cms.plugin_api import organisation_kind_labels as kind_labels

blueprint = Blueprint("cso_map", __name__, url_prefix="/map", template_folder="templates",
                      static_folder="static")

PAGE_SIZE = 20
MAX_POPUP_IDS = 100
GEOJSON_MEDIA_TYPE = "application/geo+json"


def current_filters() -> MapFilters:
    return MapFilters.from_args(request.args)


def filter_form() -> MapFilterForm:
    form = MapFilterForm(formdata=request.args)
    form.country.choices = [("", _("All countries"))] + [(c.code, c.name) for c in countries()]
    form.kind.choices = [("", _("All kinds")), *kind_labels().items()]
    # The None group holds options outside any <optgroup>: WTForms takes it, its stubs do not.
    form.theme.choices = ({None: [("", _("All themes"))]}  # type: ignore[assignment]
                          | theme_choices(lambda t: t.code))
    form.target_group.choices = [("", _("All target groups")),
                                 *target_group_labels().items()]
    form.gender_focus.choices = [("", _("Any gender focus")),
                                 *((code, str(label)) for code, label
                                   in GENDER_FOCUS_LABELS.items())]
    return form


@blueprint.get("/")
def index() -> ResponseReturnValue:
    form, filters = filter_form(), current_filters()
    query = queries.matching(visitor(), filters).order_by(Organisation.name, Organisation.id)
    pagination = db.paginate(query, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    ids = [organisation.id for organisation in pagination.items]
    return render_template(
        "cso_map/index.html", form=form, filters=filters, args=filters.as_args(),
        pagination=pagination, places=queries.places_by_organisation(ids),
        kinds=kind_labels(), country_names={c.code: c.name for c in countries()},
        tiles=tile_settings(current_app.config))


@blueprint.get("/points.json")
def points() -> ResponseReturnValue:
    """What the map script draws: ``[longitude, latitude, [organisation ids]]`` per point."""
    found = queries.points(visitor(), current_filters())
    body = json.dumps({"points": [[round(lon, 4), round(lat, 4), ids]
                                  for lon, lat, ids in found]}, separators=(",", ":"))
    return Response(body, mimetype="application/json")


@blueprint.get("/popup")
def popup() -> ResponseReturnValue:
    """The organisations at one point of the map, as a fragment the script shows in a popup."""
    wanted = row_ids(request.args.get("ids", "").split(",")[:MAX_POPUP_IDS])
    found = queries.visible_by_ids(visitor(), wanted)
    return render_template("cso_map/_popup.html", organisations=found, kinds=kind_labels(),
                           places=queries.places_by_organisation([o.id for o in found]))


# -- downloads ------------------------------------------------------------------------------------


def file_name(extension: str) -> str:
    filters = current_filters()
    parts = [value for value in (filters.country, filters.kind, filters.theme,
                                 filters.target_group, filters.gender_focus) if value]
    suffix = "".join(f"-{part}" for part in parts
                     if part.replace("_", "").isascii() and part.replace("_", "").isalnum())
    return f"organisations{suffix}.{extension}"


@blueprint.get("/organisations.geojson")
def geojson() -> ResponseReturnValue:
    response = Response(exports.geojson(visitor(), current_filters()),
                        mimetype=GEOJSON_MEDIA_TYPE)
    response.headers["Content-Disposition"] = content_disposition(file_name("geojson"), "inline")
    return response


@blueprint.get("/organisations.csv")
def csv_file() -> ResponseReturnValue:
    rows = exports.export_rows(visitor(), current_filters())
    return download(csv_bytes(exports.EXPORT_COLUMNS, rows), file_name("csv"), CSV_MEDIA_TYPE)


@blueprint.get("/organisations.xlsx")
def xlsx_file() -> ResponseReturnValue:
    rows = exports.export_rows(visitor(), current_filters())
    body = xlsx_bytes(exports.EXPORT_COLUMNS, rows, title=_("Organisations"))
    return download(body, file_name("xlsx"), XLSX_MEDIA_TYPE)


@blueprint.get("/hsds.zip")
def hsds() -> ResponseReturnValue:
    """Open Referral HSDS tables (organisations, locations, addresses, identifiers)."""
    return download(exports.hsds_zip(visitor(), current_filters()), "hsds.zip",
                    "application/zip")


# -- statistics -----------------------------------------------------------------------------------


@blueprint.get("/stats")
def stats() -> ResponseReturnValue:
    filters = current_filters()
    counts = queries.statistics(visitor(), filters)
    return render_template("cso_map/stats.html", form=filter_form(), args=filters.as_args(),
                           stats=counts, rows=labelled_counts(counts))


def labelled_counts(counts: queries.Statistics) -> dict[str, list[tuple[str, int]]]:
    """Each table of the statistics page as ``(label in the current language, count)``."""
    country_names = {country.code: country.name for country in countries()}
    kinds = kind_labels()
    term_names = {(term.vocabulary, term.code): term.label
                  for term in terms("theme", "gcm_objective")}
    return {
        "country": [(country_names.get(code, code), n) for code, n in counts.by_country],
        "kind": [(kinds.get(code, code), n) for code, n in counts.by_kind],
        "theme": [(term_names[(v, code)], n) for v, code, n in counts.by_theme if v == "theme"],
        "objective": [(f"{code}. {term_names[(v, code)]}", n) for v, code, n in counts.by_theme
                      if v == "gcm_objective"],
        "gender_focus": [(str(GENDER_FOCUS_LABELS.get(code, code)), n)
                         for code, n in counts.by_gender_focus],
    }
