"""Shared by the search tests: an app per backend (Whoosh always, PostgreSQL on a PostgreSQL test
database) and ways to publish real records through the core's own services."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crpm_cms.content import services as content
from crpm_cms.extensions import db
from crpm_cms.organisations import services as organisations
from crpm_cms.plugin_system.registry import installed_plugins
from crpm_cms.taxonomies.models import Term
from crpm_cms.testing import Client
from crpm_cms.timezones import utcnow
from crpm_cms.users import services as accounts
from tests.files.library import add_document
from tests.files.samples import text_file

BACKENDS = ("whoosh", "postgres")
AUTHOR = "auteur@search.test"


def search_app_fixture(**config: Any):  # type: ignore[no-untyped-def]
    """``search_app = search_app_fixture()`` in a test module: an app per backend (PostgreSQL only
    on a PostgreSQL test database), with ``config`` added."""

    @pytest.fixture(params=BACKENDS)
    def search_app(request: pytest.FixtureRequest, make_app, database_url: str) -> Flask:  # noqa: ANN001
        if request.param == "postgres" and not database_url.startswith("postgresql"):
            pytest.skip("the PostgreSQL backend needs the PostgreSQL test database")
        return isolated_app(make_app, request.param, **config)

    return search_app


def isolated_app(make_app, backend: str, **config: Any) -> Flask:  # noqa: ANN001
    """Only the core and the example plugin loaded: the built-in plugins' reference records
    (indicators, trainings…) stay out of these tests' results and checks (``crpm init`` builds
    the index for these plugins, not the template's)."""
    app = make_app(initialise=True, SEARCH_BACKEND=backend,
                   PLUGINS=[name for name in ("example",) if name in installed_plugins()],
                   **config)
    app.test_client_class = Client
    return app


def backend_of(app: Flask) -> str:
    return app.config["SEARCH_BACKEND"]


def author(app: Flask) -> Any:
    """An administrator who writes and publishes (created on first use)."""
    user = accounts.find_by_email(AUTHOR)
    return user or accounts.create_user(AUTHOR, "Autrice", None, roles=("admin",))


def theme_ids(*codes: str) -> list[int]:
    return list(db.session.scalars(select(Term.id).where(Term.code.in_(codes))))


def publish(app: Flask, title: str, body: str = "", *, kind: str = "news",
            publish_at: datetime | None = None, expires_at: datetime | None = None,
            status: str = "published", themes: tuple[str, ...] = (), **fields: Any) -> int:
    """A news item or a publication written and taken through the real workflow."""
    with app.test_request_context("/?lang=en"):
        data = content.ContentData(title=title, body_html=f"<p>{body}</p>",
                                   themes=theme_ids(*themes), publish_at=publish_at,
                                   expires_at=expires_at, **fields)
        item = content.create_item(kind, data, author(app))
        if status == "published":
            content.apply_action(item, "publish", author(app))
        return item.id


def organisation(app: Flask, name: str, description: str = "", **fields: Any) -> str:
    with app.app_context():
        data = organisations.OrganisationData(name=name, kind=fields.pop("kind", "cso"),
                                              country_code=fields.pop("country_code", "SN"),
                                              description_fr=description, **fields)
        return organisations.save(None, data, None).slug


def document(app: Flask, title: str, text: str, **fields: Any) -> str:
    """A library document uploaded as a text file; its extracted text is what is searched."""
    return add_document(app, text_file(text), f"{abs(hash(title))}.txt", title=title, **fields)


def later(seconds: float) -> datetime:
    return utcnow() + timedelta(seconds=seconds)


def api(client: FlaskClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def titles(client: FlaskClient, **params: Any) -> list[str]:
    return [hit["title"] for hit in api(client, **params)["results"]]


def page_titles(client: FlaskClient, **params: Any) -> list[str]:
    """The result titles as the HTML page shows them."""
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    hits = text.split('class="search-hits"', 1)[1].split("</ol>", 1)[0] if "search-hits" in text \
        else ""
    return [html.unescape(title) for title in re.findall(r'<h2><a href="[^"]*">([^<]*)</a>', hits)]


def sign_in(app: Flask, email: str, password: str) -> FlaskClient:
    client = app.test_client()
    response = client.post_form("/login", {"email": email, "password": password})
    assert response.status_code == 302
    return client
