"""Security baseline: CSRF, headers, size limit, themed error pages without tracebacks."""

from __future__ import annotations

import pytest


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
