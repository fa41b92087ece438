"""Search rules: who may find what, what ``/search`` accepts, and the functions plugins call.

Plugins use ``record_change(kind, key)`` (or ``watch_model``) in the transaction of a change;
the rest of this module is the core's: reading the parameters, deciding the visitor's rights at
query time, running the query and labelling the facets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flask import Response, g
from flask.sansio.app import App
from sqlalchemy import select

from crpm_cms.config import ConfigError
from crpm_cms.extensions import db
from crpm_cms.hookspecs import SearchSource
from crpm_cms.i18n import LANGUAGE_NAMES
from crpm_cms.permissions import can
from crpm_cms.plugin_system.services import registry
from crpm_cms.search.analysis import UserQuery, parse
from crpm_cms.search.backends import FACETS, SearchRequest, SearchResults, SearchUnavailable
from crpm_cms.search.indexing import (
    apply_pending,
    apply_quietly,
    backend,
    check,
    ensure_index,
    pending_count,
    reindex,
    sources,
)
from crpm_cms.search.outbox import PENDING_FLAG, changes_pending, record_change, watch_model
from crpm_cms.taxonomies.models import Country, Term
from crpm_cms.taxonomies.services import THEME_VOCABULARIES
from crpm_cms.timezones import utcnow

__all__ = ["SearchPage", "apply_pending", "check", "ensure_index", "init_app", "record_change",
           "reindex", "run_search", "watch_model"]

# URL parameter → facet; ``lang`` filters the documents' language on /search (see docs/search.md).
FILTER_PARAMETERS = {"kind": "kind", "type": "type", "country": "country", "theme": "theme",
                     "year": "year", "lang": "language"}
MAX_PAGE = 1000
MAX_FILTER_LENGTH = 80
SEARCH_LOCK_TIMEOUT = 0.2  # a search applies pending changes only if the lock is free
LANG_FILTER_ENDPOINTS = ("search.index", "api.search")


@dataclass
class SearchPage:
    """Everything the page and the API show: the query as understood, results or a state."""

    query: UserQuery
    filters: dict[str, str] = field(default_factory=dict)  # facet → value
    sort: str = "relevance"
    page: int = 1
    results: SearchResults | None = None
    unavailable: bool = False
    per_page: int = 10

    typed: bool = False  # something was typed, even if nothing searchable remained

    @property
    def asked(self) -> bool:
        return self.typed or not self.query.empty or bool(self.filters)

    @property
    def pages(self) -> int:
        total = self.results.total if self.results else 0
        return max(1, math.ceil(total / self.per_page))


def _int(raw: str | None, default: int) -> int:
    try:
        return int(raw or default)
    except ValueError:
        return default


def read_arguments(args: Mapping[str, str]) -> SearchPage:
    """The stable parameters ``q``, ``kind``, ``type``, ``country``, ``theme``, ``year``,
    ``lang``, ``sort`` and ``page``; anything odd is dropped, never an error."""
    filters = {}
    for parameter, facet in FILTER_PARAMETERS.items():
        value = (args.get(parameter) or "").strip()[:MAX_FILTER_LENGTH]
        if value and value.isprintable() and (facet != "year" or value.isdigit()):
            filters[facet] = value
    sort = "date" if args.get("sort") == "date" else "relevance"
    page = min(max(_int(args.get("page"), 1), 1), MAX_PAGE)
    return SearchPage(parse(args.get("q")), filters, sort, page,
                      typed=bool((args.get("q") or "").strip()))


def visibility(user: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Access levels this visitor may see and the plugins whose records are on (core included)."""
    access = ("public", "members") if can(user, "members.area") else ("public",)
    owners = ("core", *sorted(registry().enabled_names()))
    return access, owners


def run_search(user: Any, args: Mapping[str, str]) -> SearchPage:
    """Answer ``/search`` for this visitor: rights and the clock are part of the index query."""
    page = read_arguments(args)
    if not page.asked:
        return page
    if page.query.empty and not page.filters:  # only syntax was typed: nothing to look for
        page.results = SearchResults(0, [], {facet: {} for facet in FACETS})
        return page
    if pending_count():
        apply_quietly(SEARCH_LOCK_TIMEOUT)
    access, owners = visibility(user)
    request = SearchRequest(page.query, access, owners, utcnow(), page.filters, page.sort,
                            page.page, page.per_page)
    try:
        results = backend().search(request)
        if results.total and not results.hits and page.page > 1:  # past the end: the last page
            page.page = math.ceil(results.total / page.per_page)
            results = backend().search(replace(request, page=page.page))
    except SearchUnavailable:
        page.unavailable = True
        return page
    page.results = results
    return page


def kind_labels() -> dict[str, str]:
    return {kind: str(source.label) for kind, (_, source) in sources().items()}


def facet_labels(results: SearchResults | None,
                 chosen: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Readable names for facet values and chosen filters: kinds, country names, vocabulary
    labels (then the plugins' own type labels), languages."""
    found = results.facets if results else {}
    values = {facet: {*found.get(facet, {}), *([chosen[facet]] if facet in chosen else [])}
              for facet in FACETS}
    themes: dict[str, str] = {}
    types: dict[str, str] = {}
    codes = values["type"] | values["theme"]
    for term in db.session.scalars(select(Term).where(Term.code.in_(codes))) if codes else ():
        labels = themes if term.vocabulary in THEME_VOCABULARIES else types
        labels.setdefault(term.code, term.label)
    for _, source in sources().values():
        for code, label in source.type_labels.items():
            if code in values["type"]:
                types.setdefault(code, str(label))
    countries = {country.code: country.name for country in db.session.scalars(
        select(Country).where(Country.code.in_(values["country"])))} if values["country"] else {}
    names = {"kind": kind_labels(), "type": types, "theme": themes, "country": countries,
             "language": LANGUAGE_NAMES}
    return {facet: {value: names.get(facet, {}).get(value, value) for value in values[facet]}
            for facet in FACETS}


# -- wiring ---------------------------------------------------------------------------------------


def collect_sources(answers: list[tuple[str, list[SearchSource]]],
                    ) -> dict[str, tuple[str, SearchSource]]:
    """``kind → (plugin, source)`` from ``register_search_sources``; a kind has one owner."""
    kinds: dict[str, tuple[str, SearchSource]] = {}
    for plugin_name, declared in answers:
        for source in declared:
            if source.kind in kinds:
                raise RuntimeError(
                    f"Search kind {source.kind!r} declared twice (again by {plugin_name}).")
            kinds[source.kind] = (plugin_name, source)
    return kinds


def make_backend(app: App) -> Any:
    if app.config["SEARCH_BACKEND"] == "postgres":
        if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
            raise ConfigError("SEARCH_BACKEND (CRPM_SEARCH_BACKEND) is 'postgres' but "
                              "DATABASE_URL is not a PostgreSQL database; use 'whoosh'.")
        from crpm_cms.search.backends.postgres_backend import PostgresBackend

        return PostgresBackend(app.config["SEARCH_EXACT_COUNTS_UP_TO"])
    from crpm_cms.search.backends.whoosh_backend import WhooshBackend

    return WhooshBackend(Path(app.instance_path) / "search-index")


def _apply_after_request(response: Response) -> Response:
    """Changes committed by this request reach the index before the next page is asked for."""
    if changes_pending():
        g.pop(PENDING_FLAG, None)
        apply_quietly()
    return response


def _apply_at_teardown(error: BaseException | None) -> None:
    """The same for commands and background work, at the end of their app context."""
    if error is None and changes_pending():
        g.pop(PENDING_FLAG, None)
        apply_quietly()


def init_app(app: App) -> None:
    app.extensions["crpm_search"] = make_backend(app)
    plugins = app.extensions["crpm_plugins"]
    app.extensions["crpm_search_sources"] = collect_sources(
        plugins.answers("register_search_sources", enabled_only=False))
    app.extensions.setdefault("crpm_lang_filter_endpoints", set()).update(LANG_FILTER_ENDPOINTS)
    app.after_request(_apply_after_request)
    app.teardown_appcontext(_apply_at_teardown)
