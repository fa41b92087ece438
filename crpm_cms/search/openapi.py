"""The OpenAPI description of ``/api/v1/search`` (merged into ``/api/v1/openapi.json``)."""

from __future__ import annotations

from typing import Any

_STRING = {"type": "string"}
_PARAMETERS = [
    ("q", _STRING, "Words, \"quoted phrases\" and -excluded words; other syntax is read as "
                   "words. At most 200 characters and 12 terms are used."),
    ("kind", _STRING, "news, publication, page, document, organisation, or a plugin's kind"),
    ("type", _STRING, "Document type, organisation kind, or a plugin's type"),
    ("country", _STRING, "ISO 3166-1 alpha-2 code"),
    ("theme", _STRING, "Theme or GCM objective code"),
    ("year", {"type": "integer"}, "Year of the record"),
    ("lang", _STRING, "Language of the documents (fr, en); here it filters, it does not "
                      "change the language of the answer"),
    ("sort", {"type": "string", "enum": ["relevance", "date"]}, "Default: relevance"),
    ("page", {"type": "integer", "minimum": 1}, "A page past the end gives the last page"),
]

SEARCH_SCHEMAS: dict[str, Any] = {
    "SearchHit": {"type": "object", "properties": {
        "title": _STRING, "url": _STRING, "kind": _STRING, "type": {"type": ["string", "null"]},
        "countries": {"type": "array", "items": _STRING},
        "year": {"type": ["integer", "null"]}, "language": _STRING,
        "snippet": {"type": "string", "description": "Escaped text; matches in <mark>"},
        "published_on": {"type": ["string", "null"], "format": "date"}}},
    "SearchResults": {"type": "object", "properties": {
        "total": {"type": "integer"},
        "estimated": {"type": "boolean", "description": "true when total and facet counts are "
                      "estimates (PostgreSQL backend, a query matching more than "
                      "SEARCH_EXACT_COUNTS_UP_TO records): counted on a fixed 1-in-16 sample of "
                      "the index, scaled and rounded to two significant digits"},
        "page": {"type": "integer"},
        "pages": {"type": "integer"}, "per_page": {"type": "integer"},
        "query": {"type": "string", "description": "The query as it was understood"},
        "sort": _STRING, "filters": {"type": "object", "additionalProperties": _STRING},
        "suggestion": {"type": ["string", "null"]},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
        "facets": {"type": "object", "description": "Counts by value for kind, type, country, "
                   "theme, year and language, over every result the caller may see",
                   "additionalProperties": {"type": "object",
                                            "additionalProperties": {"type": "integer"}}}}},
}

SEARCH_PATHS: dict[str, Any] = {
    "/search": {"get": {
        "summary": "Full-text search over what the caller may see (same answers as /search)",
        "parameters": [{"name": name, "in": "query", "required": False, "schema": schema,
                        "description": description}
                       for name, schema, description in _PARAMETERS],
        "responses": {
            "200": {"description": "One page of results with facet counts", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/SearchResults"}}}},
            "503": {"description": "The index is being rebuilt; retry later", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        }}},
}
