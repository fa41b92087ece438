"""JSON API under /api/v1/: the directory, reference data, news, publications and the library.

Authentication is a personal token (``Authorization: Bearer …``); anonymous callers see what
anonymous visitors see. Writes are accepted from a token only, never from a browser's session
cookie, so the API needs no CSRF token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from crpm_cms.api import services
from crpm_cms.api.openapi import openapi_document
from crpm_cms.content.models import ContentItem
from crpm_cms.content.queries import published
from crpm_cms.extensions import csrf
from crpm_cms.feeds.services import document_url, download_url, item_url
from crpm_cms.hookspecs import ApiExtension
from crpm_cms.library.models import LibraryDocument
from crpm_cms.library.queries import visible_documents
from crpm_cms.organisations import services as organisations
from crpm_cms.organisations.models import Organisation
from crpm_cms.pagination import InvalidRequest, page_links, page_number
from crpm_cms.permissions import can
from crpm_cms.plugin_system.services import registry
from crpm_cms.search.views import search_json
from crpm_cms.taxonomies.services import THEME_VOCABULARIES, countries, terms
from crpm_cms.users.auth import load_user_from_bearer, visitor
from crpm_cms.users.models import User

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)


def organisation_json(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.id,
        "slug": organisation.slug,
        "name": organisation.name,
        "acronym": organisation.acronym,
        "kind": organisation.kind,
        "country": organisation.country_code,
        "countries": [country.code for country in organisation.countries],
        "themes": [term.code for term in organisation.themes],
        "description_fr": organisation.description_fr,
        "description_en": organisation.description_en,
        "website": organisation.website,
        "identifiers": [{"scheme": i.scheme, "value": i.value} for i in organisation.identifiers],
        "visibility": organisation.visibility,
        "url": url_for("organisations.detail", slug=organisation.slug, _external=True),
    }


@blueprint.get("/")
def index() -> ResponseReturnValue:
    return jsonify(openapi=url_for("api.openapi", _external=True),
                   news=url_for("api.news", _external=True),
                   publications=url_for("api.publications", _external=True),
                   documents=url_for("api.documents", _external=True),
                   organisations=url_for("api.organisations", _external=True),
                   countries=url_for("api.list_countries", _external=True),
                   themes=url_for("api.themes", _external=True),
                   search=url_for("api.search", _external=True))


@blueprint.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    extras = registry().values("openapi_paths", enabled_only=True)
    return jsonify(openapi_document(url_for("api.index", _external=True).rstrip("/"), extras,
                                    api_extensions()))


@blueprint.get("/me")
def me() -> ResponseReturnValue:
    if not current_user.is_authenticated:
        return jsonify(error=_("Authentication required"),
                       message=_("Send a personal token: Authorization: Bearer <token>.")), 401
    user = current_user
    return jsonify(id=user.id, email=user.email, display_name=user.display_name,
                   language=user.language, organisation=user.organisation_id,
                   roles=[{"role": a.role, "country": a.country_code} for a in user.roles])


def api_extensions(resource: str | None = None) -> list[ApiExtension]:
    """What enabled plugins add to the core's resources (all of them, or one)."""
    return [extension for answer in registry().values("api_extensions", enabled_only=True)
            for extension in answer if resource in (None, extension.resource)]


def organisations_json(found: list[Organisation]) -> list[dict[str, Any]]:
    """Each organisation's JSON with the fields enabled plugins add (the core's win)."""
    extras = [extension.fields(found) for extension in api_extensions("organisations")
              if extension.fields]
    results = []
    for item in found:
        fields: dict[str, Any] = {}
        for answer in extras:
            fields.update(answer.get(item.id, {}))
        results.append({**fields, **organisation_json(item)})
    return results


def organisations_list() -> ResponseReturnValue:
    page = page_number()  # lenient, as it always was: a bad page reads as the first
    filters = organisations.OrganisationFilters(
        country=request.args.get("country") or None, kind=request.args.get("kind") or None,
        theme=request.args.get("theme") or None, q=request.args.get("q") or None)
    conditions = [condition for extension in api_extensions("organisations")
                  if extension.filters for condition in extension.filters(request.args)]
    result = organisations.search(visitor(), filters, page, conditions)
    return jsonify(total=result.total, page=result.page, pages=result.pages,
                   results=organisations_json(list(result.items)))


blueprint.add_url_rule("/organisations", "organisations", organisations_list)
blueprint.add_url_rule("/search", "search", search_json)  # same answers as /search


@blueprint.get("/organisations/<slug>")
def organisation(slug: str) -> ResponseReturnValue:
    found = organisations.get_visible(visitor(), slug)
    if found is None:
        abort(404)
    return jsonify(organisations_json([found])[0])


@blueprint.get("/countries")
def list_countries() -> ResponseReturnValue:
    return jsonify(results=[{"code": c.code, "iso3": c.iso3, "name_fr": c.name_fr,
                             "name_en": c.name_en, "timezone": c.timezone} for c in countries()])


@blueprint.get("/themes")
def themes() -> ResponseReturnValue:
    return jsonify(results=[{"vocabulary": t.vocabulary, "code": t.code, "label_fr": t.label_fr,
                             "label_en": t.label_en} for t in terms(*THEME_VOCABULARIES)])


# -- errors and authentication of writes ----------------------------------------------------------


class Refused(Exception):
    """A request the API answers with ``status`` and a JSON message."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(error)
        self.status, self.error, self.message = status, error, message


@blueprint.errorhandler(Refused)
def refused(error: Refused) -> ResponseReturnValue:
    response = jsonify(error=error.error, message=error.message)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response, error.status


@blueprint.errorhandler(InvalidRequest)
def invalid_request(error: InvalidRequest) -> ResponseReturnValue:
    return jsonify(error=str(error), fields=error.fields), 400


def token_holder(permission: str) -> User:
    """The Bearer token's account, if it holds ``permission``; a session cookie never counts."""
    user = load_user_from_bearer()
    if user is None:
        raise Refused(401, _("Authentication required"),
                      _("Send a personal token: Authorization: Bearer <token>."))
    if not can(user, permission):
        raise Refused(403, _("Access denied"),
                      _("The account of this token may not do this."))
    return user


# -- news and publications ------------------------------------------------------------------------


def iso(moment: datetime | None) -> str | None:
    return moment.replace(microsecond=0).isoformat() + "Z" if moment else None


def content_json(item: ContentItem, translations: list[ContentItem]) -> dict[str, Any]:
    return {
        "id": item.id, "slug": item.slug, "title": item.title, "summary": item.summary,
        "body_html": item.body_html, "language": item.language, "country": item.country_code,
        "themes": [term.code for term in item.themes], "type": item.document_type,
        "status": item.status, "published_at": iso(item.publish_at),
        "updated_at": iso(item.updated_at), "url": item_url(item.kind, item.slug, external=True),
        "translations": [{"language": other.language, "slug": other.slug,
                          "url": item_url(other.kind, other.slug, external=True)}
                         for other in translations],
    }


def content_list(kind: str) -> ResponseReturnValue:
    result = services.live_content(kind, request.args)
    siblings = services.translations(published(kind), ContentItem, result.items)
    return jsonify(**page_links(result),
                   results=[content_json(item, siblings.get(item.id, []))
                            for item in result.items])


def content_detail(kind: str, slug: str) -> ResponseReturnValue:
    item = services.visible_content(visitor(), kind, slug)
    if item is None:
        abort(404)
    siblings = services.translations(published(kind), ContentItem, [item])
    return jsonify(content_json(item, siblings.get(item.id, [])))


def content_create(kind: str, endpoint: str) -> ResponseReturnValue:
    actor = token_holder("content.write")
    data = services.content_payload(kind, request.get_json(silent=True))
    if not services.may_write_for(actor, kind, data.country_code):
        raise Refused(403, _("Access denied"),
                      _("The account of this token may not write for this country."))
    item = services.create_draft(kind, data, actor)
    response = jsonify(content_json(item, []))
    response.headers["Location"] = url_for(endpoint, slug=item.slug, _external=True)
    return response, 201


@blueprint.get("/news")
def news() -> ResponseReturnValue:
    return content_list("news")


@blueprint.get("/news/<slug>")
def news_item(slug: str) -> ResponseReturnValue:
    return content_detail("news", slug)


@blueprint.post("/news")
def create_news() -> ResponseReturnValue:
    return content_create("news", "api.news_item")


@blueprint.get("/publications")
def publications() -> ResponseReturnValue:
    return content_list("publication")


@blueprint.get("/publications/<slug>")
def publication(slug: str) -> ResponseReturnValue:
    return content_detail("publication", slug)


@blueprint.post("/publications")
def create_publication() -> ResponseReturnValue:
    return content_create("publication", "api.publication")


# -- library --------------------------------------------------------------------------------------


def document_json(document: LibraryDocument, translations: list[LibraryDocument]) -> dict[str, Any]:
    return {
        "id": document.id, "slug": document.slug, "title": document.title,
        "summary": document.summary, "type": document.document_type,
        "language": document.language, "year": document.year, "access": document.access,
        "countries": [country.code for country in document.countries],
        "themes": [term.code for term in document.themes],
        "organisations": [organisation.name for organisation in document.organisations],
        "media_type": document.media_type, "size": document.size,
        "published_at": iso(document.created_at), "updated_at": iso(document.updated_at),
        "url": document_url(document.slug, external=True),
        "download_url": download_url(document.slug, external=True),
        "translations": [{"language": other.language, "slug": other.slug,
                          "url": document_url(other.slug, external=True)}
                         for other in translations],
    }


@blueprint.get("/documents")
def documents() -> ResponseReturnValue:
    reader = visitor()
    result = services.documents(reader, request.args)
    siblings = services.translations(visible_documents(reader), LibraryDocument, result.items)
    return jsonify(**page_links(result),
                   results=[document_json(document, siblings.get(document.id, []))
                            for document in result.items])


@blueprint.get("/documents/<slug>")
def document(slug: str) -> ResponseReturnValue:
    reader = visitor()
    found = services.visible_document(reader, slug)
    if found is None:
        abort(404)
    siblings = services.translations(visible_documents(reader), LibraryDocument, [found])
    return jsonify(document_json(found, siblings.get(found.id, [])))


@blueprint.post("/documents")
def create_document() -> ResponseReturnValue:
    actor = token_holder("library.upload")
    added = services.add_document(request.files.get("file"), request.form, actor)
    response: Response = jsonify(document_json(added, []))
    response.headers["Location"] = url_for("api.document", slug=added.slug, _external=True)
    return response, 201
