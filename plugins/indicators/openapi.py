"""The indicators API in ``/api/v1/openapi.json`` (through the ``openapi_paths`` hook)."""

from __future__ import annotations

from typing import Any

from crpm_cms.hookspecs import ApiPaths


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


STRINGS = {"type": "array", "items": {"type": "string"}}
LINK = {"type": "object", "properties": {"title": {"type": "string"}, "url": {"type": "string"}}}
BREAKDOWN = {"type": "object", "additionalProperties": {"type": "string"},
             "description": "Disaggregation codes, e.g. {\"sex\": \"F\"}; a missing key is the "
                            "total; {} is the headline total"}
SCHEMAS: dict[str, Any] = {
    "Indicator": {"type": "object", "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "name_fr": {"type": "string"},
        "name_en": {"type": "string"}, "unit": {"type": "string"},
        "value_type": {"type": "string", "enum": ["number", "percentage", "ordinal"]},
        "periodicity": {"type": "string"}, "disaggregations": STRINGS,
        "computed": {"type": "boolean", "description": "Computed from registrations"},
        "frameworks": {"type": "array", "items": {"type": "object", "properties": {
            "framework": {"type": "string"}, "target": {"type": "string"}}}},
        "url": {"type": "string"}, "csv_url": {"type": "string"}, "data_url": {"type": "string"},
    }},
    "IndicatorValue": {"type": "object", "properties": {
        "country": {"type": "string"}, "period": {"type": "string"}, "year": {"type": "integer"},
        "breakdown": BREAKDOWN,
        "value": {"type": "number", "description": "Policy statuses: 0 absent, 1 partially "
                                                   "present, 2 present"},
        "notes": {"type": "string"}, "source": {"type": "string"},
        "evidence": {"type": "array", "items": LINK}}},
    "NewIndicatorValues": {"type": "object", "required": ["values"], "properties": {
        "dry_run": {"type": "boolean", "description": "Check only; write nothing"},
        "values": {"type": "array", "maxItems": 5000, "items": {
            "type": "object", "required": ["country", "period", "value"], "properties": {
                "country": {"type": "string", "description": "ISO code or name"},
                "period": {"type": "string", "description": "2023 or 2022-2023"},
                "breakdown": BREAKDOWN, "value": {"type": ["number", "string"]},
                "notes": {"type": "string"}, "source": {"type": "string"},
                "evidence": {"type": "array", "items": LINK}}}}}},
    "IndicatorProblems": {"type": "object", "properties": {
        "error": {"type": "string"},
        "problems": {"type": "array", "items": {"type": "object", "properties": {
            "item": {"type": "integer", "description": "1 for the first value sent"},
            "field": {"type": "string"}, "message": {"type": "string"}}}}}},
}
CODE = [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}]
FILTERS = [{"name": name, "in": "query", "required": False, "schema": {"type": kind}}
           for name, kind in (("country", "string"), ("year", "integer"), ("sex", "string"),
                              ("age", "string"), ("migratory_status", "string"))]
ERROR = {"type": "object", "properties": {"error": {"type": "string"},
                                          "message": {"type": "string"}}}


def api_paths() -> ApiPaths:
    values = {"type": "object", "properties": {
        "indicator": {"type": "string"}, "unit": {"type": "string"},
        "results": {"type": "array", "items": _ref("IndicatorValue")}}}
    saved = {"type": "object", "properties": {
        "dry_run": {"type": "boolean"}, "added": {"type": "integer"},
        "changed": {"type": "integer"}, "unchanged": {"type": "integer"},
        "checked": {"type": "integer"}}}
    return ApiPaths(paths={
        "/indicators": {"get": {
            "summary": "Indicator definitions with their frameworks",
            "responses": {"200": _json({"type": "object", "properties": {
                "results": {"type": "array", "items": _ref("Indicator")}}}, "Definitions")}}},
        "/indicators/{code}/data": {
            "get": {"summary": "Values of an indicator (entered or computed), filtered",
                    "parameters": CODE + FILTERS,
                    "responses": {"200": _json(values, "Values"),
                                  "404": {"description": "No such indicator"}}},
            "post": {"summary": "Add or update values; needs indicators.enter for each "
                                "country; all or nothing",
                     "security": [{"bearer": []}], "parameters": CODE,
                     "requestBody": {"required": True, "content": {"application/json": {
                         "schema": _ref("NewIndicatorValues")}}},
                     "responses": {
                         "200": _json(saved, "Saved (or checked, with dry_run)"),
                         "400": _json(_ref("IndicatorProblems"), "Values refused, each "
                                      "problem with its item and field"),
                         "401": _json(ERROR, "No valid Bearer token"),
                         "403": _json(ERROR, "The token's account may not enter values for "
                                             "a country sent"),
                         "404": {"description": "No such indicator"}}}},
    }, schemas=SCHEMAS)
