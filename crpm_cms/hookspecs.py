"""The plugin API's hooks: every hook a CRPM plugin can implement, grouped by family.

Startup hooks (``register_*``, ``startup``) run once per app on every *loaded* plugin. Command
hooks (``load_*``) run when ``crpm init`` or ``crpm demo`` does. Request and event hooks
(``menu_items``, ``template_slot``, ``dashboard_widgets``, ``api_extensions``…, ``handle_event``)
run only on *enabled* plugins, so switching a plugin off in the admin hides it on the next
request. Search sources are registered by every loaded plugin: the index keeps a disabled
plugin's records and each query leaves them out.

Hooks are called in pluggy's order: ``tryfirst`` implementations first, then from the last
registered plugin to the first (the core is registered first, so it answers last), ``trylast``
ones last; where order shows on a page, the values carry an ``order``. HTML is trusted only as
``Markup``: a plain ``str`` is escaped. Implement a hook with ``@hookimpl`` and any subset of its
arguments; ``docs/plugins/hooks.md`` documents each hook and a test keeps the two in step. What
plugins may use of the core besides these hooks is ``crpm_cms.plugin_api``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask import Blueprint, Flask
    from markupsafe import Markup
    from sqlalchemy import ColumnElement

    from crpm_cms.users.models import User

PROJECT = "crpm_cms"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- Values plugins hand to the core -------------------------------------------------------------


@dataclass(frozen=True)
class MenuItem:
    """A link in the main navigation; ``label`` is already translated."""

    label: str
    url: str
    order: int = 50
    endpoint: str | None = None  # marks the item current when the request is on this endpoint


@dataclass(frozen=True)
class Permission:
    """A named right and the roles that hold it; scoped roles hold it for their countries only."""

    name: str
    roles: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Setting:
    """A site setting stored in the database, with the default used until an admin changes it."""

    key: str
    default: Any
    label: str = ""  # may be a lazy translation


@dataclass(frozen=True)
class Job:
    """Work run by ``crpm jobs run`` (from cron); it must be idempotent.

    ``sends_links``: the job e-mails links, so it runs inside ``external_links()`` and is not
    run (with a message, exit status 1) while the site's address (``SITE_URL``) is unknown.
    """

    name: str
    run: Callable[[], Any]
    description: str = ""
    sends_links: bool = False


@dataclass(frozen=True)
class DashboardWidget:
    """A block on the admin dashboard: a title and its HTML (a plain ``str`` is escaped)."""

    title: str
    html: Markup | str
    order: int = 50


@dataclass(frozen=True)
class SlotFragment:
    """HTML for a named place of a page, with its place among the other plugins' (lower first)
    and the style sheets and scripts it needs: the page loads each once, in its ``<head>``, only
    where the fragment appears. A plain ``str`` as ``html`` is escaped, never trusted."""

    html: Markup | str
    order: int = 50
    css: tuple[str, ...] = ()
    js: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchDocument:
    """One record for the search index; ``access`` is ``public`` or ``members``.

    ``visible_from``/``visible_until`` (naive UTC) are compared with the clock at query time, so a
    scheduled or expiring record needs no job; ``type`` is the finer facet inside a ``kind``
    (document type, event kind…). Drafts are simply not returned by the hooks.
    """

    kind: str
    key: str
    title: str
    url: str
    text: str = ""
    language: str = "fr"
    countries: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    year: int | None = None
    access: str = "public"
    published_on: date | None = None
    type: str = ""
    visible_from: datetime | None = None
    visible_until: datetime | None = None


@dataclass(frozen=True)
class SearchSource:
    """One kind of search document and its owner's ways to produce it: every record (a full
    reindex) and one record as it is now (after ``record_change(kind, key)``; ``None`` when it
    is gone or must not be found, a draft). ``type_labels`` name the ``type`` values that are
    not taxonomy terms, for the Type facet."""

    kind: str
    label: str  # may be a lazy translation
    all_documents: Callable[[], Iterable[SearchDocument]]
    document: Callable[[str], SearchDocument | None]
    type_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiPaths:
    """What a plugin adds to the OpenAPI document: path items of its ``/api/v1/…`` routes keyed
    by their path relative to ``/api/v1`` (``"/events"``) and the schemas they ``$ref``."""

    paths: dict[str, Any] = field(default_factory=dict)
    schemas: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiExtension:
    """What a plugin adds to a resource of the core's API (``"organisations"``), said once: the
    query arguments it filters on and the fields it adds to each item, each with its OpenAPI
    description, which ``/api/v1/openapi.json`` shows while the plugin is enabled.

    ``filters(args)`` gives conditions on the resource's model for the arguments it knows;
    ``fields(items)`` gives ``{item id: {field: value}}`` for a page of items in one query (the
    core's own fields win over a plugin's of the same name).
    """

    resource: str
    parameters: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    filters: Callable[[Mapping[str, str]], list[ColumnElement[bool]]] | None = None
    fields: Callable[[list[Any]], dict[int, dict[str, Any]]] | None = None


@dataclass(frozen=True)
class Event:
    """Something that happened in the core or a plugin, e.g. ``organisation.saved``."""

    name: str
    actor_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


# -- Startup: every loaded plugin ----------------------------------------------------------------


@hookspec
def register_blueprints(app: Flask) -> list[Blueprint] | None:
    """Blueprints to mount; their routes answer 404 while the plugin is disabled."""


@hookspec
def register_migrations() -> str | None:
    """Only to override the convention: the path of the plugin's Alembic ``versions`` folder
    (default ``<plugin package>/migrations/versions``); its branch label is the plugin's name."""


@hookspec
def register_translations() -> str | None:
    """Only to override the convention: the path of the plugin's Babel catalogues (default
    ``<plugin package>/translations``, domain ``messages``)."""


@hookspec
def register_permissions() -> list[Permission] | None:
    """Permissions the plugin checks with ``plugin_api.can``."""


@hookspec
def register_settings() -> list[Setting] | None:
    """Site settings the plugin reads with ``plugin_api.get_setting``."""


@hookspec
def register_jobs() -> list[Job] | None:
    """Periodic jobs; ``crpm jobs run`` runs those of enabled plugins."""


@hookspec
def register_search_sources() -> list[SearchSource] | None:
    """The kinds of search documents the plugin owns, each with its label and producers."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands or a group (``crpm <plugin> …``) to the ``crpm`` command."""


@hookspec
def register_template_filters() -> dict[str, Callable[..., Any]] | None:
    """Jinja filters by name, available to every template."""


@hookspec
def startup(app: Flask) -> None:
    """Last step of ``create_app``, once everything above is registered."""


# -- Commands: every loaded plugin, when the command runs --------------------------------------


@hookspec
def load_reference_data() -> None:
    """Insert or update the plugin's shipped data (code lists, frameworks); ``crpm init`` calls it
    after the core's reference data, on every run, so it must be idempotent."""


@hookspec
def load_demo_data() -> None:
    """Add the plugin's demo records; ``crpm demo`` calls it after the core's, on every run."""


# -- Request: enabled plugins only ---------------------------------------------------------------


@hookspec
def menu_items(user: User | None) -> list[MenuItem] | None:
    """Navigation links for this visitor (``None`` when anonymous)."""


@hookspec
def template_slot(slot: str, context: dict[str, Any]) -> SlotFragment | Markup | None:
    """HTML for a named slot of a page (``home_main``, ``organisation_page``…); ``context`` is
    the page's template context. A bare ``Markup`` is a fragment of order 50."""


@hookspec
def dashboard_widgets(user: User) -> list[DashboardWidget] | None:
    """Blocks for the admin dashboard."""


@hookspec
def api_extensions() -> list[ApiExtension] | None:
    """Filters and fields the plugin adds to the core's API resources, with their description."""


@hookspec
def extra_csp_sources(endpoint: str | None) -> dict[str, list[str]] | None:
    """Sources to allow, by Content-Security-Policy directive (``img-src``…), on an HTML page of
    this endpoint; nothing is allowed beyond what the plugin returns for that page."""


@hookspec
def openapi_paths() -> ApiPaths | None:
    """Paths and schemas of the plugin's ``/api/v1/…`` routes for ``/api/v1/openapi.json``."""


# -- Events: enabled plugins only ----------------------------------------------------------------


@hookspec
def handle_event(event: Event) -> None:
    """React to something that happened; runs in the request that caused it."""
