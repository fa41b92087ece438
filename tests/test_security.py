"""Security baseline: CSRF, headers, size limit, themed error pages without tracebacks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.organisations.models import Organisation
from crpm_cms.testing import sign_in
from tests.test_api_content import bearer


def test_a_form_without_csrf_token_gets_a_translated_400_page(client, people) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/login", data={"email": people["member"], "password": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<html" in page and "Le formulaire a expiré" in page
    assert client.get("/account").status_code == 302, "nothing happened"


def test_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    headers = client.get("/").headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_flags(client, people) -> None:  # type: ignore[no-untyped-def]
    response = client.post_form("/login", {"email": people["member"],
                                           "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_an_oversized_request_gets_a_413_page(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/login", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/no-such-page", "/organisations/no-such-organisation"])
def test_unknown_pages_get_a_themed_404(client, path: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
    assert "site.css" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_no_traceback(app) -> None:  # type: ignore[no-untyped-def]
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in page and "Traceback" not in page
    assert "Une erreur inattendue" in page


def test_api_errors_are_json(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/organisations/nope")
    assert response.status_code == 404 and response.is_json


def test_control_characters_are_removed_from_saved_forms_and_api_data(app, client, people) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL cannot store a NUL: a pasted one must not turn a save into an error page."""
    sign_in(client, people["admin"])
    response = client.post_form("/organisations/new", {
        "name": "Nul\x00le ONG\x07", "kind": "cso", "country": "SN", "visibility": "public",
        "parent": "0", "description_fr": "Première ligne\r\n\tseconde\x00 ligne"})
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.scalar(select(Organisation).filter_by(slug="nulle-ong"))
        assert organisation is not None and organisation.name == "Nulle ONG"
        assert organisation.description_fr.splitlines() == ["Première ligne", "\tseconde ligne"]
    news = {"title": "Atelier\x00 régional", "summary": "Trois\x1b jours.", "language": "fr",
            "body_html": "<p>Les réseaux\x00 se sont réunis.</p>", "country": "SN", "themes": []}
    created = client.post("/api/v1/news", json=news, headers=bearer(app, people["admin"]))
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.json["title"] == "Atelier régional" and created.json["summary"] == "Trois jours."


QUERY_ARGUMENTS = ("q", "page", "per_page", "sort", "country", "countries", "kind", "type",
                   "theme", "year", "language", "access", "status", "state", "from", "to",
                   "organisation", "indicator", "period", "sex", "role", "format")


def test_every_page_answers_a_control_character_in_its_query_arguments(app, client, people) -> None:  # type: ignore[no-untyped-def]
    """Every page without a path argument, core and plugins, signed in as an administrator (who
    reaches them all), with a NUL in each common query argument: an answer, never an error."""
    sign_in(client, people["admin"])
    query = "&".join(f"{name}=%00" for name in QUERY_ARGUMENTS)
    errors = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
            response = client.get(f"{rule.rule}?{query}")
            if response.status_code >= 500:
                errors.append((rule.rule, response.status_code))
    assert errors == []
