"""Shared fixtures: an app on a real database (SQLite, or PostgreSQL with CRPM_TEST_DATABASE_URL),
signed-in clients for each role, and a real SMTP server on loopback."""

from __future__ import annotations

import os
import re
import shutil
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from crpm_cms import create_app
from crpm_cms.cli import initialise
from crpm_cms.extensions import db
from crpm_cms.users import services as users

PASSWORD = "correct horse battery"
KEPT_TABLES = {"alembic_version", "countries", "terms"}
FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}


def base_config(instance: Path, database_url: str) -> dict:
    return {"INSTANCE_PATH": instance, "SECRET_KEY": "test-secret", "TESTING": True,
            "SITE_URL": "http://localhost",
            "DATABASE_URL": database_url, "LOGIN_RATE_LIMIT": "100000 per minute",
            **FAST_HASHING}


# -- database -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A throwaway PostgreSQL database for this run, when CRPM_TEST_DATABASE_URL names a server."""
    server = os.environ.get("CRPM_TEST_DATABASE_URL")
    if not server:
        yield None
        return
    url = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"crpm_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory,
                      postgres_url: str | None) -> str:
    """Migrate once per run: an SQLite file copied for each test, or the PostgreSQL database."""
    folder = tmp_path_factory.mktemp("template")
    url = postgres_url or f"sqlite:///{folder / 'template.sqlite3'}"
    app = create_app(base_config(folder, url))
    with app.app_context():
        initialise("all")
        db.engine.dispose()
    return url


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    if migrated_template.startswith("sqlite"):
        copy = tmp_path / "test.sqlite3"
        shutil.copy(migrated_template.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
        return
    yield migrated_template
    engine = create_engine(migrated_template)
    with engine.begin() as connection:
        tables = [row[0] for row in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            if row[0] not in KEPT_TABLES]
        if tables:
            connection.execute(text(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def make_app(tmp_path: Path, database_url: str) -> Iterator:
    """Build apps on this test's database; several may share it (like several workers)."""
    built: list[Flask] = []

    def build(**overrides: object) -> Flask:
        app = create_app({**base_config(tmp_path / "instance", database_url), **overrides})
        with app.app_context():
            initialise("all")
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app) -> Flask:  # noqa: ANN001
    return make_app()


# -- clients and people ---------------------------------------------------------------------------


class Client(FlaskClient):
    """A test client that fills in the CSRF token like the browser's form would."""

    def csrf_token(self) -> str:
        for page in ("/login", "/"):  # the login form, or the sign-out form once signed in
            match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                              self.get(page).get_data(as_text=True))
            if match:
                return match.group(1)
        raise AssertionError("no CSRF token on the login or home page")

    def post_form(self, url: str, data: dict | None = None, **kwargs):  # type: ignore[no-untyped-def]
        data = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.post(url, data=data, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = Client
    return app.test_client()


PEOPLE = {
    "member": [("member", None)],
    "editor": [("editor", "SN")],
    "editor_other_country": [("editor", "CI")],
    "focal_point": [("focal_point", "SN")],
    "admin": [("admin", None)],
}


@pytest.fixture
def people(app: Flask) -> dict[str, str]:
    """One active account per role (editors and focal point scoped), by role name → e-mail."""
    emails = {}
    with app.app_context():
        for name, roles in PEOPLE.items():
            email = f"{name}@test.crpm"
            user = users.create_user(email, name.replace("_", " ").title(), PASSWORD)
            users.set_roles(user, roles)
            emails[name] = email
    return emails


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    response = client.post_form("/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def login(client: FlaskClient, people: dict[str, str]):  # type: ignore[no-untyped-def]
    """``login("editor")`` signs the test client in as that person."""

    def as_role(role: str) -> FlaskClient:
        sign_in(client, people[role])
        return client

    return as_role


# -- mail ----------------------------------------------------------------------------------------


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def body(self, index: int = -1) -> str:
        payload = self.messages[index].get_payload(decode=True)
        return payload.decode() if isinstance(payload, bytes) else str(payload)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd cannot report a port chosen by the OS
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def mail_app(make_app, smtp):  # type: ignore[no-untyped-def]
    inbox, port = smtp
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port), inbox


# -- counting SQL statements ----------------------------------------------------------------------


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app runs inside the ``with`` block, in order."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def remember(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def queries_of_page(app: Flask, client: FlaskClient, url: str) -> int:
    """How many SQL statements answering ``url`` takes (the page must answer 200)."""
    with counted_queries(app) as statements:
        assert client.get(url).status_code == 200, url
    return len(statements)
