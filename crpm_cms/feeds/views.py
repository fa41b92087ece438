"""HTTP for discovery: Atom feeds, sitemap, robots.txt, and the page metadata of every page."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue

from crpm_cms.feeds import discovery, services
from crpm_cms.pagination import whole_number_in

blueprint = Blueprint("feeds", __name__)
blueprint.add_app_template_global(discovery.page_meta, "discovery_meta")
blueprint.add_app_template_global(discovery.og_locale, "og_locale")
blueprint.add_app_template_global(discovery.alternate_locales, "og_alternate_locales")

ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"


def conditional(body: str, mimetype: str, last_modified: datetime | None = None) -> Response:
    """Answer 304 when the client already holds this exact body (ETag or Last-Modified)."""
    response = Response(body, content_type=mimetype)
    response.add_etag()
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = "public, max-age=300"
    response.make_conditional(request)
    return response


def feed_response(feed: services.Feed) -> Response:
    body = render_template("feeds/atom.xml", feed=feed, atom_date=services.atom_date)
    last_modified = feed.updated if feed.entries else None
    return conditional(body, ATOM, last_modified)


@blueprint.get("/feeds/news.atom")
def news() -> ResponseReturnValue:
    return feed_response(services.news_feed())


@blueprint.get("/feeds/publications.atom")
def publications() -> ResponseReturnValue:
    return feed_response(services.publications_feed())


@blueprint.get("/sitemap.xml")
def sitemap() -> ResponseReturnValue:
    page = whole_number_in(request.args["page"], 1, 10**6) if "page" in request.args else None
    if "page" in request.args and page is None:
        abort(404)
    found = services.sitemap(page)
    if found is None:
        abort(404)
    if found.pages:
        body = render_template("feeds/sitemap_index.xml", pages=found.pages)
    else:
        body = render_template("feeds/sitemap.xml", urls=found.urls,
                               atom_date=services.atom_date)
    return conditional(body, XML)


@blueprint.get("/robots.txt")
def robots() -> ResponseReturnValue:
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /account", "Disallow: /api/",
             "", f"Sitemap: {url_for('feeds.sitemap', _external=True)}", ""]
    return Response("\n".join(lines), content_type="text/plain; charset=utf-8")
