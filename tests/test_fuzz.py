"""Hostile values for every query parameter of every page, and for every field of every API
write: the site answers with a page, a redirect or a 4xx, never a 5xx.

The pages are found as a visitor finds them: from the home page of the demo site, following its
own links (anonymously, then as an administrator), one address per route; a GET route no link
leads to is tried with placeholder path values. The query parameters are every name the code
reads from the query string, and every field of a filter form bound to it. The API writes come
from ``/api/v1/openapi.json``. Hypothesis then mixes parameters and values at random.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule
from wtforms.fields.core import UnboundField

from crpm_cms.forms import Form
from crpm_cms.testing import Client, accounts, client_of, load_demo_data
from crpm_cms.testing.crawl import crawl

pytestmark = pytest.mark.slow  # thousands of requests

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "demo-password-2026"
HOSTILE = [  # each stands for a kind of value that broke, or could break, a page
    "99999999999999999999", "-1", "1e400", "\u00b9", "\u0663", "中文", "\r\nSet-Cookie: x=y",
    "\x00", "%ZZ", "'\"<>", "../../etc/passwd", "x" * 600,
]
READS_QUERY = re.compile(r"""args(?:\.get(?:list)?\(|\[)\s*["']([a-z_][a-z0-9_]*)["']"""
                         r"""|["']([a-z_][a-z0-9_]*)["'] in request\.args""")
SKIPPED = {"static", "users.logout"}  # files of the theme, and the way out


def query_parameters(client: Client) -> list[str]:
    """The names the code reads from the query string, the fields of filter forms, and the
    query parameters the OpenAPI document declares; with ``lang`` and ``ui_lang``, read by
    the language selector."""
    names: set[str] = {"lang", "ui_lang", "per_page"}
    for operations in client.get("/api/v1/openapi.json").json["paths"].values():
        for operation in operations.values():
            names |= {parameter["name"] for parameter in operation.get("parameters", ())
                      if parameter.get("in") == "query"}
    for path in [*ROOT.glob("crpm_cms/**/*.py"), *ROOT.glob("plugins/*/*.py")]:
        for match in READS_QUERY.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    forms: list[type] = [Form]
    while forms:
        form = forms.pop()
        forms += form.__subclasses__()
        if "Filter" in form.__name__:
            names |= {name for name in dir(form) if isinstance(getattr(form, name), UnboundField)}
    return sorted(names)


def placeholder_path(rule: Rule) -> str:
    """A path for a route no link led to: 1 for numbers, a word for the rest."""
    values: dict[str, object] = {}
    for name, converter in rule._converters.items():
        items = sorted(getattr(converter, "items", ()))  # any(csv, xlsx): the first
        values[name] = items[0] if items else 1 if "Integer" in type(converter).__name__ else "x"
    return rule.build(values, append_unknown=False)[1]


def get_routes(app: Flask) -> Iterator[tuple[str, str]]:
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and rule.endpoint not in SKIPPED:
            yield rule.endpoint, placeholder_path(rule)


@pytest.fixture
def demo_app(app: Flask) -> Flask:
    """The demo site, with an administrator ``fuzz-admin@test.crpm``."""
    with app.app_context():
        load_demo_data(DEMO_PASSWORD)
        admin = accounts.create_user("fuzz-admin@test.crpm", "Fuzz", "fuzz-password-2026")
        accounts.set_roles(admin, [("admin", None)])
    return app


@pytest.fixture
def demo_site(demo_app: Flask) -> tuple[dict[str, Client], dict[str, str]]:
    """An anonymous visitor and an administrator of the demo site, and a path per GET route
    with the visitor who asks for it (anonymous where a link leads there anonymously)."""
    app = demo_app
    clients = {"anonymous": client_of(app), "admin": client_of(app)}
    clients["admin"].post_form("/login", {"email": "fuzz-admin@test.crpm",
                                          "password": "fuzz-password-2026"})
    anonymous = crawl(app, clients["anonymous"])
    as_admin = crawl(app, clients["admin"])
    paths = {endpoint: f"anonymous {address.split('?')[0]}"
             for endpoint, address in anonymous.items()}
    for endpoint, address in [*as_admin.items(), *get_routes(app)]:
        paths.setdefault(endpoint, f"admin {address.split('?')[0]}")
    return clients, paths


def server_errors(clients: dict[str, Client], paths: dict[str, str],
                  queries: list[dict[str, str]]) -> list[str]:
    errors = []
    for endpoint, where in sorted(paths.items()):
        role, path = where.split(" ", 1)
        for query in queries:
            response = clients[role].get(f"{path}?{urlencode(query)}")
            if response.status_code >= 500:
                errors.append(f"{response.status_code} {role} {endpoint} {path}?{query}")
    return errors


def test_every_query_parameter_of_every_page_takes_hostile_values(demo_site) -> None:  # type: ignore[no-untyped-def]
    clients, paths = demo_site
    parameters = query_parameters(clients["anonymous"])
    assert {"page", "q", "year", "country", "ids", "next", "kind"} <= set(parameters)
    assert len(paths) > 100, "the crawl found too few pages"
    queries = [{name: value for name in parameters} for value in HOSTILE]
    errors = server_errors(clients, paths, queries)
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors[:30])

    # then random mixes of a few parameters and values, on the pages that are lists
    lists = {endpoint: where for endpoint, where in paths.items()
             if "{" not in where and not where.split(" ", 1)[1].startswith("/api/")}
    values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                       st.integers().map(str))

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(endpoint=st.sampled_from(sorted(lists)),
           query=st.dictionaries(st.sampled_from(parameters), values, max_size=6))
    def visit(endpoint: str, query: dict[str, str]) -> None:
        errors = server_errors(clients, {endpoint: lists[endpoint]}, [query])
        assert not errors, errors

    visit()


# -- API writes ----------------------------------------------------------------------------------

JSON_HOSTILE: list[Any] = [None, 0, -1, 10**30, 1.5, True, "", "x" * 600, "\r\nX: y", "\u00b9",
                           "中文", [], {}, [[[]]], {"a": {"b": [1]}}, ["SN", 5, None]]


def schema_properties(document: dict, schema: dict) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return sorted(schema.get("properties", {}))


def first_code(client: Client, headers: dict[str, str], collection: str) -> str:
    """A real value for ``{code}`` in ``collection/{code}/…``: the first item of its list."""
    results = client.get(collection, headers=headers).json.get("results") or [{}]
    return str(results[0].get("code") or results[0].get("slug") or "x")


def test_every_field_of_every_api_write_takes_hostile_values(demo_app: Flask) -> None:
    app = demo_app
    with app.app_context():
        admin = accounts.find_by_email("fuzz-admin@test.crpm")
        headers = {"Authorization": f"Bearer {accounts.create_api_token(admin, 'fuzz').secret}"}
    client = client_of(app)
    document = client.get("/api/v1/openapi.json").json
    base = document["servers"][0]["url"] if document.get("servers") else "/api/v1"
    base = urlsplit(base).path.rstrip("/")
    errors, writes = [], 0
    for template, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch", "delete"):
                continue
            path = base + template
            if "{code}" in path:
                path = path.replace("{code}", first_code(client, headers, path.split("/{")[0]))
            content = operation.get("requestBody", {}).get("content", {})
            writes += 1
            for kind, media in content.items():
                fields = schema_properties(document, media.get("schema", {}))
                bodies: list[Any] = [{field: value} for field in fields for value in JSON_HOSTILE]
                bodies += [value for value in JSON_HOSTILE if not isinstance(value, dict)]
                for body in bodies:
                    if kind == "application/json":
                        response = client.open(path, method=method.upper(), json=body,
                                               headers=headers)
                    elif isinstance(body, dict):
                        form = {key: value if isinstance(value, str) else repr(value)
                                for key, value in body.items()}
                        response = client.open(path, method=method.upper(), data=form,
                                               headers=headers)
                    else:
                        continue
                    if response.status_code >= 500:
                        errors.append(f"{response.status_code} {method} {path} {body!r}"[:200])
    assert writes >= 4, "the API documents fewer writes than expected"
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors[:30])
