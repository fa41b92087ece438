"""The example plugin's hook implementations: one for every hook in ``crpm_cms.hookspecs``.

Each one leaves a trace a test can see: a route, a table, a menu link, a slot, a widget, a
permission, a setting, a job, a command, a filter, a search document or a recorded event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import click
from flask import Blueprint, Flask, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import ColumnElement

from crpm_cms.hookspecs import (
    ApiExtension,
    ApiPaths,
    DashboardWidget,
    Event,
    Job,
    MenuItem,
    Permission,
    SearchDocument,
    SearchSource,
    Setting,
    SlotFragment,
    hookimpl,
)
from crpm_cms.plugin_api import Organisation, User
from crpm_example_plugin import services
from crpm_example_plugin.models import ExampleNote

HERE = Path(__file__).parent
EXAMPLE_IMAGES = "https://images.example.org"  # allowed by the CSP on /example/ only
STATE_KEY = "crpm_example"  # app.extensions[STATE_KEY]: what startup and handle_event record


# -- startup hooks -------------------------------------------------------------------------------


@hookimpl
def register_blueprints(app: Flask) -> list[Blueprint]:
    from crpm_example_plugin.views import api_blueprint, blueprint

    return [blueprint, api_blueprint]


@hookimpl
def register_migrations() -> str:
    return str(HERE / "migrations" / "versions")


@hookimpl
def register_translations() -> str:
    return str(HERE / "translations")


@hookimpl
def register_permissions() -> list[Permission]:
    return [Permission("example.write", ("editor",), "Add example notes.")]


@hookimpl
def register_settings() -> list[Setting]:
    return [Setting("example_greeting", "", _l("Greeting shown above the example notes"))]


@hookimpl
def register_jobs() -> list[Job]:
    return [Job("example.count_notes", services.count_notes_job, "Count the example notes.")]


@hookimpl
def register_search_sources() -> list[SearchSource]:
    return [SearchSource("example_note", _l("Example note"), all_note_documents, note_document_of,
                         type_labels={"note": _l("Short note")})]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from crpm_example_plugin.commands import example_group

    cli.add_command(example_group)


def shout(text: Any) -> str:
    return f"{str(text).upper()}!"


@hookimpl
def register_template_filters() -> dict[str, Callable[..., Any]]:
    return {"shout": shout}


@hookimpl
def startup(app: Flask) -> None:
    app.extensions[STATE_KEY] = {"started": True, "events": []}


@hookimpl
def load_demo_data() -> None:
    if not services.count_notes():
        services.add_note("Note de démonstration")


@hookimpl
def load_reference_data() -> None:
    services.ensure_note_kinds()


# -- request hooks: enabled only -----------------------------------------------------------------


@hookimpl
def menu_items(user: User | None) -> list[MenuItem]:
    return [MenuItem(_("Example notes"), url_for("example.index"), 60, "example.index")]


@hookimpl
def template_slot(slot: str, context: dict[str, Any]) -> SlotFragment | None:
    if slot != "home_main":
        return None
    return SlotFragment(Markup(render_template("example/slot.html", count=services.count_notes())),
                        order=5, css=(url_for("example.static", filename="example.css"),))


@hookimpl
def dashboard_widgets(user: User) -> list[DashboardWidget]:
    html = Markup("<p>{}</p>").format(_("%(count)s example note(s)", count=services.count_notes()))
    return [DashboardWidget(_("Example notes"), html, order=60)]


def initial_filter(args: Mapping[str, str]) -> list[ColumnElement[bool]]:
    initial = (args.get("example_initial") or "")[:1]
    return [Organisation.name.startswith(initial)] if initial else []


def shouted_names(organisations: list[Organisation]) -> dict[int, dict[str, Any]]:
    return {organisation.id: {"example_shout": shout(organisation.name)}
            for organisation in organisations}


@hookimpl
def api_extensions() -> list[ApiExtension]:
    return [ApiExtension(
        "organisations",
        parameters=[{"name": "example_initial", "in": "query", "required": False,
                     "description": "First letter of the name (example plugin)",
                     "schema": {"type": "string"}}],
        properties={"example_shout": {"type": "string"}},
        filters=initial_filter, fields=shouted_names)]


@hookimpl
def extra_csp_sources(endpoint: str | None) -> dict[str, list[str]] | None:
    return {"img-src": [EXAMPLE_IMAGES]} if endpoint == "example.index" else None


def note_document(note: ExampleNote) -> SearchDocument:
    return SearchDocument(
        kind="example_note", key=str(note.id), title=note.text[:80],
        url=url_for("example.index", _anchor=f"note-{note.id}"), text=note.text,
        year=note.created_at.year, published_on=note.created_at.date(), type="note",
    )


def all_note_documents() -> Iterator[SearchDocument]:
    for note in services.all_notes():
        yield note_document(note)


def note_document_of(key: str) -> SearchDocument | None:
    """Called after ``services.add_note`` recorded the change with ``record_change``."""
    note = services.find_note(int(key)) if key.isdigit() else None
    return note_document(note) if note else None


@hookimpl
def openapi_paths() -> ApiPaths:
    note = {"type": "object", "properties": {"id": {"type": "integer"},
                                             "text": {"type": "string"}}}
    listing = {"type": "object", "properties": {
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/ExampleNote"}}}}
    return ApiPaths(
        paths={"/example-notes": {"get": {
            "summary": "Every example note",
            "responses": {"200": {"description": "The notes", "content": {
                "application/json": {"schema": listing}}}}}}},
        schemas={"ExampleNote": note},
    )


# -- events: enabled only ------------------------------------------------------------------------


@hookimpl
def handle_event(event: Event) -> None:
    current_app.extensions[STATE_KEY]["events"].append(event.name)
