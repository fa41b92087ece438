"""A test client that posts forms like a browser, and one account per role to sign in with."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from crpm_cms.users import services as users

PASSWORD = "correct horse battery"

# role name → the roles (and their country scope) of its account
PEOPLE: dict[str, list[tuple[str, str | None]]] = {
    "member": [("member", None)],
    "editor": [("editor", "SN")],
    "editor_other_country": [("editor", "CI")],
    "focal_point": [("focal_point", "SN")],
    "admin": [("admin", None)],
}

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_TOKEN_PAGE = "/password/forgot"


class Client(FlaskClient):
    """A test client that fills in the CSRF token like the browser's form would, and closes
    each response as a server would.

    Flask-WTF signs the form's token from a secret kept in the session, so a token stays good
    while that secret does: it is fetched from a page once and reused until the secret changes
    (signing in starts a new session, which makes a new one).
    """

    _csrf: tuple[str, str] | None = None  # (the session's secret, the token signed from it)

    def open(self, *args: Any, buffered: bool = True, **kwargs: Any) -> TestResponse:
        """As a server does, the response is read whole and closed, which runs its
        ``call_on_close`` work (the e-mails the request wrote are sent then)."""
        return super().open(*args, buffered=buffered, **kwargs)

    def _session_secret(self) -> str | None:
        with self.session_transaction() as session:
            return session.get("csrf_token")

    def csrf_token(self) -> str:
        secret = self._session_secret()
        if self._csrf is None or secret is None or self._csrf[0] != secret:
            self._csrf = self._fetch_csrf_token()
        return self._csrf[1]

    def _fetch_csrf_token(self) -> tuple[str, str]:
        # a form for everybody, signed in or not, on a light page (the home page takes 5 times as
        # long to render)
        match = _TOKEN.search(self.get(_TOKEN_PAGE).get_data(as_text=True))
        assert match, f"no CSRF token on {_TOKEN_PAGE}"
        return self._session_secret() or "", match.group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs: Any) -> TestResponse:
        data = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.post(url, data=data, **kwargs)


def client_of(app: Flask, email: str | None = None) -> Client:
    """A new ``Client`` of ``app``: its own cookies, signed in as ``email`` when given."""
    app.test_client_class = Client
    client = app.test_client()
    assert isinstance(client, Client)
    if email:
        sign_in(client, email)
    return client


def sign_in(client: Client, email: str, password: str = PASSWORD) -> TestResponse:
    """Send the login form; the answer must be the redirect of a successful sign-in."""
    response = client.post_form("/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def create_people(app: Flask) -> dict[str, str]:
    """One active account per role of ``PEOPLE``, with ``PASSWORD``; role name → e-mail."""
    emails = {}
    with app.app_context():
        for name, roles in PEOPLE.items():
            email = f"{name}@test.crpm"
            user = users.create_user(email, name.replace("_", " ").title(), PASSWORD)
            users.set_roles(user, roles)
            emails[name] = email
    return emails
