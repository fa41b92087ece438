"""The OpenAPI 3 description of /api/v1/ (served at /api/v1/openapi.json)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crpm_cms.hookspecs import ApiExtension, ApiPaths
from crpm_cms.search.openapi import SEARCH_PATHS, SEARCH_SCHEMAS


def _list_of(schema: str) -> dict[str, Any]:
    return {"type": "object", "properties": {
        "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}}}}


def _ok(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"200": {"description": description,
                    "content": {"application/json": {"schema": schema}}}}


NOT_FOUND = {"404": {"description": "Not found, or not visible to the caller"}}
FILTERS = [
    {"name": name, "in": "query", "required": False, "schema": {"type": kind}}
    for name, kind in (("country", "string"), ("kind", "string"), ("theme", "string"),
                       ("q", "string"), ("page", "integer"))
]

SCHEMAS: dict[str, Any] = {
    "Organisation": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"},
        "acronym": {"type": ["string", "null"]}, "kind": {"type": "string"},
        "country": {"type": "string"},
        "countries": {"type": "array", "items": {"type": "string"}},
        "themes": {"type": "array", "items": {"type": "string"}},
        "description_fr": {"type": "string"}, "description_en": {"type": "string"},
        "website": {"type": ["string", "null"]},
        "identifiers": {"type": "array", "items": {"type": "object", "properties": {
            "scheme": {"type": "string"}, "value": {"type": "string"}}}},
        "visibility": {"type": "string", "enum": ["public", "members"]},
        "url": {"type": "string"}}},
    "Country": {"type": "object", "properties": {
        "code": {"type": "string"}, "iso3": {"type": "string"}, "name_fr": {"type": "string"},
        "name_en": {"type": "string"}, "timezone": {"type": "string"}}},
    "Term": {"type": "object", "properties": {
        "vocabulary": {"type": "string"}, "code": {"type": "string"},
        "label_fr": {"type": "string"}, "label_en": {"type": "string"}}},
    "Translation": {"type": "object", "properties": {
        "language": {"type": "string"}, "slug": {"type": "string"}, "url": {"type": "string"}}},
    "Content": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "title": {"type": "string"},
        "summary": {"type": "string"},
        "body_html": {"type": "string", "description": "Sanitised HTML"},
        "language": {"type": "string"}, "country": {"type": ["string", "null"]},
        "themes": {"type": "array", "items": {"type": "string"}},
        "type": {"type": ["string", "null"], "description": "Document type of a publication"},
        "status": {"type": "string",
                   "enum": ["draft", "submitted", "published", "unpublished", "archived"]},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string"},
        "translations": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}}}},
    "NewContent": {"type": "object", "required": ["title"], "properties": {
        "title": {"type": "string", "maxLength": 255}, "summary": {"type": "string"},
        "body_html": {"type": "string", "description": "Sanitised on arrival"},
        "language": {"type": "string"}, "country": {"type": ["string", "null"]},
        "themes": {"type": "array", "items": {"type": "string"}},
        "type": {"type": "string", "description": "Document type; required for publications"}}},
    "Document": {"type": "object", "properties": {
        "id": {"type": "integer"}, "slug": {"type": "string"}, "title": {"type": "string"},
        "summary": {"type": "string"}, "type": {"type": "string"},
        "language": {"type": "string"}, "year": {"type": ["integer", "null"]},
        "access": {"type": "string", "enum": ["public", "members"]},
        "countries": {"type": "array", "items": {"type": "string"}},
        "themes": {"type": "array", "items": {"type": "string"}},
        "organisations": {"type": "array", "items": {"type": "string"}},
        "media_type": {"type": "string"}, "size": {"type": "integer"},
        "published_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string"}, "download_url": {"type": "string"},
        "translations": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}}}},
    "NewDocument": {"type": "object", "required": ["file", "title", "type"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "PDF, DOCX, ODT, XLSX, PPTX or TXT"},
        "title": {"type": "string"}, "summary": {"type": "string"},
        "type": {"type": "string"}, "language": {"type": "string"},
        "year": {"type": "integer"}, "access": {"type": "string", "enum": ["public", "members"]},
        "countries": {"type": "string", "description": "ISO codes separated by ;"},
        "themes": {"type": "string", "description": "Theme codes separated by ;"}}},
    "Error": {"type": "object", "properties": {
        "error": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}}}},
    "Me": {"type": "object", "properties": {
        "id": {"type": "integer"}, "email": {"type": "string"},
        "display_name": {"type": "string"}, "language": {"type": ["string", "null"]},
        "organisation": {"type": ["integer", "null"]},
        "roles": {"type": "array", "items": {"type": "object", "properties": {
            "role": {"type": "string"}, "country": {"type": ["string", "null"]}}}}}},
}


def _page_of(schema: str) -> dict[str, Any]:
    """A page with links to its neighbours (no total: it would cost a count of everything)."""
    return {"type": "object", "properties": {
        "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "next": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]},
        "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}}}}


def _query(*names: str) -> list[dict[str, Any]]:
    kinds = {"page": "integer", "year": "integer"}
    parameters = [{"name": name, "in": "query", "required": False,
                   "schema": {"type": kinds.get(name, "string")}} for name in names]
    return [*parameters, {"name": "per_page", "in": "query", "required": False,
                          "schema": {"type": "integer", "minimum": 1, "maximum": 100}}]


SLUG = [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}]
ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
WRITE_ERRORS = {
    "400": {"description": "Invalid fields (see `fields`) or a refused file", **ERROR},
    "401": {"description": "No valid Bearer token (a session cookie is not enough)", **ERROR},
    "403": {"description": "The token's account lacks the permission", **ERROR},
}


def _created(schema: str) -> dict[str, Any]:
    return {"201": {"description": "Created as a draft (documents: published); see Location",
                    "headers": {"Location": {"schema": {"type": "string"}}},
                    "content": {"application/json": {
                        "schema": {"$ref": f"#/components/schemas/{schema}"}}}},
            **WRITE_ERRORS}


def _content_paths(path: str, label: str, filters: tuple[str, ...]) -> dict[str, Any]:
    """List, create and read one kind of content (news or publications)."""
    return {
        path: {
            "get": {"summary": f"Live {label}, newest first", "parameters": _query(*filters),
                    "responses": {**_ok(_page_of("Content"), f"A page of {label}"),
                                  "400": {"description": "Invalid page or per_page", **ERROR}}},
            "post": {"summary": f"Create a draft ({label}); needs content.write",
                     "security": [{"bearer": []}],
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": {"$ref": "#/components/schemas/NewContent"}}}},
                     "responses": _created("Content")}},
        f"{path}/{{slug}}": {"get": {
            "summary": f"One of the {label} (drafts only for those who may write them)",
            "parameters": SLUG,
            "responses": {**_ok({"$ref": "#/components/schemas/Content"}, "The item"),
                          **NOT_FOUND}}},
    }


def _document_paths() -> dict[str, Any]:
    return {
        "/documents": {
            "get": {"summary": "Library documents visible to the caller (members-only ones "
                               "with a member's token)",
                    "parameters": _query("type", "country", "theme", "year", "language",
                                         "page"),
                    "responses": {**_ok(_page_of("Document"), "A page of documents"),
                                  "400": {"description": "Invalid page, per_page or year",
                                          **ERROR}}},
            "post": {"summary": "Add a document to the library; needs library.upload",
                     "security": [{"bearer": []}],
                     "requestBody": {"required": True, "content": {"multipart/form-data": {
                         "schema": {"$ref": "#/components/schemas/NewDocument"}}}},
                     "responses": _created("Document")}},
        "/documents/{slug}": {"get": {
            "summary": "One document, with its download_url", "parameters": SLUG,
            "responses": {**_ok({"$ref": "#/components/schemas/Document"}, "The document"),
                          **NOT_FOUND}}},
    }


# The core resources plugins may extend (``ApiExtension.resource``): their path and item schema.
RESOURCES = {"organisations": ("/organisations", "Organisation")}


def with_plugin_paths(document: dict[str, Any], extras: Iterable[ApiPaths],
                      extensions: Iterable[ApiExtension]) -> dict[str, Any]:
    """Add what enabled plugins describe (``openapi_paths`` and ``api_extensions``); a core
    path, schema, parameter or property wins over a plugin's of the same name, so a plugin can
    never rewrite the core's description, only add to it."""
    schemas = document["components"]["schemas"]
    for extra in extras:
        for path, item in extra.paths.items():
            document["paths"].setdefault(path, item)
        for name, schema in extra.schemas.items():
            schemas.setdefault(name, schema)
    # Amended by copy: path items and schemas may be shared beyond this one document.
    for extension in extensions:
        if extension.resource not in RESOURCES:
            continue
        path, schema = RESOURCES[extension.resource]
        item = document["paths"][path]
        present = item["get"].get("parameters", [])
        known = {parameter["name"] for parameter in present}
        added = [parameter for parameter in extension.parameters if parameter["name"] not in known]
        document["paths"][path] = {**item, "get": {**item["get"],
                                                   "parameters": [*present, *added]}}
        schemas[schema] = {**schemas[schema], "properties": {
            **extension.properties, **schemas[schema].get("properties", {})}}
    return document


def openapi_document(server_url: str, extras: Iterable[ApiPaths] = (),
                     extensions: Iterable[ApiExtension] = ()) -> dict[str, Any]:
    page = {"type": "object", "properties": {
        "total": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Organisation"}}}}
    return with_plugin_paths({
        "openapi": "3.1.0",
        "info": {"title": "CRPM CMS API", "version": "1"},
        "servers": [{"url": server_url}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {**SCHEMAS, **SEARCH_SCHEMAS},
        },
        "security": [{}, {"bearer": []}],
        "paths": {
            "/organisations": {"get": {"summary": "Organisations visible to the caller",
                                       "parameters": FILTERS,
                                       "responses": _ok(page, "A page of organisations")}},
            "/organisations/{slug}": {"get": {
                "summary": "One organisation",
                "parameters": [{"name": "slug", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {**_ok({"$ref": "#/components/schemas/Organisation"},
                                    "The organisation"), **NOT_FOUND}}},
            "/countries": {"get": {"summary": "Countries of the network",
                                   "responses": _ok(_list_of("Country"), "Countries")}},
            "/themes": {"get": {"summary": "Themes and GCM objectives",
                                "responses": _ok(_list_of("Term"), "Terms")}},
            **_content_paths("/news", "news", ("language", "country", "theme", "page")),
            **_content_paths("/publications", "publications",
                             ("language", "country", "theme", "type", "page")),
            **_document_paths(),
            **SEARCH_PATHS,
            "/me": {"get": {"summary": "The account behind the token",
                            "security": [{"bearer": []}],
                            "responses": {**_ok({"$ref": "#/components/schemas/Me"}, "Account"),
                                          "401": {"description": "No valid token"}}}},
        },
    }, extras, extensions)
