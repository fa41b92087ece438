"""Hook implementations of the ``cso_map`` plugin: everything it adds goes through these."""

from __future__ import annotations

from typing import Any

import click
from crpm_plugins.cso_map import (
    models,  # noqa: F401  (its tables are known before migrations run)
    queries,
    search,
    tiles,
    verification,
)
from crpm_plugins.cso_map.queries import MapFilters
from crpm_plugins.cso_map.vocabulary import (
    GENDER_FOCUS_LABELS,
    PRECISION_LABELS,
    target_group_labels,
    target_groups,
)
from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from crpm_cms.hookspecs import (
    ApiExtension,
    DashboardWidget,
    Event,
    Job,
    MenuItem,
    Permission,
    SearchSource,
    Setting,
    hookimpl,
)
from crpm_cms.plugin_api import Organisation, User, can, visitor

# -- startup: every loaded plugin ----------------------------------------------------------------


@hookimpl
def register_blueprints(app: Flask) -> list[Blueprint]:
    from crpm_plugins.cso_map import manage_views, views

    manage_views.routes.register(views.blueprint)
    return [views.blueprint]


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission("cso_map.propose", ("member",),
                   "Propose a new organisation, or a change to one's own, for moderation."),
        Permission("cso_map.edit", ("editor", "focal_point"),
                   "Edit the places and directory fields of the country's organisations."),
        Permission("cso_map.moderate", ("focal_point",),
                   "Approve or reject proposals for the country's organisations."),
        Permission("cso_map.import", ("focal_point",),
                   "Import the country's organisations from a spreadsheet."),
    ]


@hookimpl
def register_settings() -> list[Setting]:
    return [Setting("cso_map_visitor_proposals", False,
                    _l("Visitors without an account may propose organisations"))]


@hookimpl
def register_jobs() -> list[Job]:
    return [Job("cso_map.remind_verification", verification.reminder_job,
                "E-mail organisations whose record is older than a year (once a year).",
                sends_links=True)]


@hookimpl
def register_search_sources() -> list[SearchSource]:
    return [search.source()]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from crpm_plugins.cso_map.commands import cso_map_group

    cli.add_command(cso_map_group)


@hookimpl
def startup(app: Flask) -> None:
    tiles.check_tiles_url(app.config.get("MAP_TILES_URL"))


@hookimpl
def load_demo_data() -> None:
    from crpm_plugins.cso_map.demo import load_demo_places

    load_demo_places()


# -- request: enabled plugins only ---------------------------------------------------------------


@hookimpl
def menu_items(user: User | None) -> list[MenuItem]:
    return [MenuItem(_("Map"), url_for("cso_map.index"), 12, "cso_map.index")]


def organisation_block(organisation: Organisation) -> Markup:
    from crpm_plugins.cso_map.places import places_of, profile_of

    profile = profile_of(organisation.id)
    labels = target_group_labels()
    user = visitor()
    return Markup(render_template(
        "cso_map/_organisation.html", organisation=organisation,
        places=places_of(organisation.id), profile=profile,
        target_groups=[labels.get(code, code) for code in profile.target_group_codes]
        if profile else [],
        precision_labels=PRECISION_LABELS, gender_labels=GENDER_FOCUS_LABELS,
        may_edit=can(user, "cso_map.edit", organisation.country_code),
        may_propose=bool(user and can(user, "cso_map.propose")
                         and user.organisation_id == organisation.id)))


def home_block() -> Markup:
    from crpm_cms.plugin_api import countries

    stats = queries.statistics(visitor(), MapFilters())
    names = {country.code: country.name for country in countries()}
    return Markup(render_template(
        "cso_map/_home.html", stats=stats,
        by_country=[(names.get(code, code), count) for code, count in stats.by_country]))


@hookimpl
def template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    if slot == "organisation_page" and isinstance(context.get("organisation"), Organisation):
        return organisation_block(context["organisation"])
    if slot == "home_main":
        return home_block()
    if slot == "organisations_list":
        args = MapFilters.from_args(request.args).as_args()
        return Markup(render_template("cso_map/_list_link.html", args=args))
    return None


@hookimpl
def dashboard_widgets(user: User) -> list[DashboardWidget]:
    from crpm_plugins.cso_map.proposals import pending_for

    html = Markup(render_template("cso_map/_dashboard.html", pending=len(pending_for(user))))
    return [DashboardWidget(_("Map of organisations"), html, order=40)]


@hookimpl
def api_extensions() -> list[ApiExtension]:
    """The map's filters and fields on the core's ``/api/v1/organisations``."""
    def query(name: str, description: str, values: list[str]) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "description": description,
                "schema": {"type": "string", "enum": values}}

    strings = {"type": "array", "items": {"type": "string"}}
    number, string = {"type": ["number", "null"]}, {"type": ["string", "null"]}
    place = {"type": "object", "description": "Public point: rounded to its precision",
             "properties": {"latitude": number, "longitude": number, "precision": string,
                            "city": string, "region": string, "country": string}}
    return [ApiExtension(
        "organisations",
        parameters=[query("target_group", "Target group code (map plugin)",
                          [group.code for group in target_groups()]),
                    query("gender_focus", "Gender focus (map plugin)",
                          list(GENDER_FOCUS_LABELS))],
        properties={
            "places": {"type": "array", "items": place},
            "target_groups": strings, "working_languages": strings,
            "gender_focus": {"type": ["string", "null"], "enum": [*GENDER_FOCUS_LABELS, None]},
            "last_verified": {"type": ["string", "null"], "format": "date"}},
        filters=lambda args: queries.map_conditions(MapFilters.from_args(args)),
        fields=organisation_fields)]


def organisation_fields(organisations: list[Organisation]) -> dict[int, dict[str, Any]]:
    """Places (public points only) and directory fields of a page of organisations."""
    ids = [organisation.id for organisation in organisations]
    places = queries.places_by_organisation(ids)
    profiles = queries.profiles_by_organisation(ids)
    fields: dict[int, dict[str, Any]] = {}
    for organisation_id in ids:
        profile = profiles.get(organisation_id)
        fields[organisation_id] = {
            "places": [{"latitude": place.public_latitude, "longitude": place.public_longitude,
                        "precision": place.precision, "city": place.public_city,
                        "region": place.public_region, "country": place.country_code}
                       for place in places.get(organisation_id, [])],
            "target_groups": profile.target_group_codes if profile else [],
            "gender_focus": profile.gender_focus if profile else None,
            "working_languages": profile.language_codes if profile else [],
            "last_verified": profile.last_verified_on.isoformat()
            if profile and profile.last_verified_on else None,
        }
    return fields


# -- events: enabled plugins only ----------------------------------------------------------------


@hookimpl
def handle_event(event: Event) -> None:
    if event.name in ("organisation.saved", "organisation.deleted"):
        search.on_saved(int(event.payload["organisation_id"]))


@hookimpl
def extra_csp_sources(endpoint: str | None) -> dict[str, list[str]] | None:
    """The configured tile server may serve images to the map page, and nothing else."""
    url = current_app.config.get("MAP_TILES_URL")
    if endpoint != "cso_map.index" or not url:
        return None
    return {"img-src": [tiles.tile_origin(url)]}
