"""``/search`` (HTML) and ``/api/v1/search`` (JSON): the same answers, two shapes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from flask import Blueprint, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from crpm_cms.search import services
from crpm_cms.search.services import FILTER_PARAMETERS, SearchPage
from crpm_cms.users.auth import visitor

blueprint = Blueprint("search", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/search/static")
blueprint.record_once(lambda state: services.init_app(state.app))
PARAMETER_OF = {facet: parameter for parameter, facet in FILTER_PARAMETERS.items()}


def arguments(state: SearchPage, /, **changes: str | int | None) -> dict[str, Any]:
    """The page's parameters with some changed (``None`` removes one); the page number resets
    unless it is what changes."""
    values: dict[str, Any] = {"q": state.query.text() or None}
    values.update({PARAMETER_OF[facet]: value for facet, value in state.filters.items()})
    if state.sort == "date":
        values["sort"] = "date"
    values.update(changes)
    if values.get("page") == 1:
        del values["page"]
    return {name: value for name, value in values.items() if value not in (None, "")}


def search_url(state: SearchPage, /, **changes: Any) -> str:
    return url_for("search.index", **arguments(state, **changes))


@blueprint.get("/search")
def index() -> ResponseReturnValue:
    page = services.run_search(visitor(), request.args)
    labels = services.facet_labels(page.results, page.filters)
    return render_template("search/search.html", page=page, labels=labels,
                           kinds=services.kind_labels(), search_url=search_url,
                           parameter_of=PARAMETER_OF, raw_query=(request.args.get("q") or "")[:200])


def search_json() -> ResponseReturnValue:
    """``/api/v1/search``: the same parameters and answers as the page, as JSON."""
    page = services.run_search(visitor(), request.args)
    if page.unavailable:
        response = jsonify(error="search_unavailable", message=_(
            "Search is being rebuilt. Please try again in a few minutes."))
        return response, 503, {"Retry-After": "60"}
    results = page.results
    return jsonify(
        total=results.total if results else 0,
        estimated=results.estimated if results else False, page=page.page, pages=page.pages,
        per_page=page.per_page, query=page.query.text(), sort=page.sort,
        filters={PARAMETER_OF[facet]: value for facet, value in page.filters.items()},
        suggestion=results.suggestion if results else None,
        results=[{"title": hit.title, "url": urljoin(request.host_url, hit.url),
                  "kind": hit.kind, "type": hit.type or None, "countries": list(hit.countries),
                  "year": hit.year, "language": hit.language, "snippet": str(hit.snippet),
                  "published_on": hit.published_on.isoformat() if hit.published_on else None}
                 for hit in (results.hits if results else [])],
        facets=results.facets if results else {},
    )
