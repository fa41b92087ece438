"""The test kit's fixtures, loaded by pytest wherever CRPM CMS is installed (entry point
``pytest11``): an app on a real database, signed-in clients, and a real SMTP server.

Fixtures of a conftest.py or test module with the same name take precedence over these.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from crpm_cms import cli as crpm_cli
from crpm_cms import create_app
from crpm_cms.extensions import db
from crpm_cms.testing import database
from crpm_cms.testing.client import Client, client_of, create_people, sign_in
from crpm_cms.testing.mail import Inbox, smtp_server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: a long test (real processes, many requests); run first, so that "
                   "parallel workers (pytest -n) do not end with one of them alone on it")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: slow first


# -- database and app ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A throwaway PostgreSQL database for this run (for each xdist worker), when
    ``CRPM_TEST_DATABASE_URL`` names a server; ``None`` otherwise (SQLite)."""
    server = database.postgres_server()
    if server is None:
        yield None
        return
    name = f"crpm_test_{uuid.uuid4().hex[:10]}"
    yield database.create_database(server, name)
    database.drop_database(server, name)


@pytest.fixture(scope="session")
def crpm_config() -> dict[str, Any]:
    """Settings of every app of the run, the template's included; none here. A plugin's
    conftest.py may override it (session scope), e.g. ``{"PLUGINS": ["hello"]}`` to load only
    that plugin: init then migrates and indexes only what those tests see."""
    return {}


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory, postgres_url: str | None,
                      crpm_config: dict[str, Any]) -> Iterator[database.Template]:
    """``crpm init`` once per run: the database and instance folder each test copies."""
    template = database.build_template(tmp_path_factory.mktemp("template"), postgres_url,
                                       database.postgres_server(), crpm_config)
    yield template
    if template.copies is not None:
        template.copies.close()


@pytest.fixture
def database_url(migrated_template: database.Template, tmp_path: Path) -> Iterator[str]:
    """This test's own database, initialised: a copy of the template."""
    with database.database_copy(migrated_template, tmp_path) as url:
        yield url


@pytest.fixture
def make_app(tmp_path: Path, database_url: str, migrated_template: database.Template,
             crpm_config: dict[str, Any]) -> Iterator[Callable[..., Flask]]:
    """``make_app(**settings)`` builds an app on this test's database; several apps share it and
    the instance folder ``tmp_path / "instance"`` (like several workers of one site).

    The first app finds the instance folder copied from the template, as ``crpm init`` left it.
    ``make_app(initialise=True)`` runs ``crpm init`` for its app; on the first app, in an empty
    instance folder, so that the search index is built for the app's own settings (PLUGINS,
    SEARCH_BACKEND).
    """
    instance = tmp_path / "instance"
    built: list[Flask] = []

    def build(initialise: bool = False, **settings: object) -> Flask:
        if not instance.exists() and not initialise:
            shutil.copytree(migrated_template.instance, instance)
        app = create_app({**database.base_config(instance, database_url), **crpm_config,
                          **settings})
        if initialise:
            with app.app_context():
                crpm_cli.initialise("all")
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """An app with the default test settings."""
    return make_app()


# -- clients and people ---------------------------------------------------------------------------


@pytest.fixture
def client(app: Flask) -> Client:
    """A ``Client`` of ``app``, nobody signed in."""
    return client_of(app)


@pytest.fixture
def people(app: Flask) -> dict[str, str]:
    """One active account per role (editors and focal point scoped), by role name → e-mail."""
    return create_people(app)


@pytest.fixture
def login(client: Client, people: dict[str, str]) -> Callable[[str], Client]:
    """``login("editor")`` signs the test client in as that person."""

    def as_role(role: str) -> Client:
        sign_in(client, people[role])
        return client

    return as_role


# -- mail ----------------------------------------------------------------------------------------


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback: its ``Inbox`` and port."""
    with smtp_server() as server:
        yield server


@pytest.fixture
def mail_app(make_app: Callable[..., Flask], smtp: tuple[Inbox, int]) -> tuple[Flask, Inbox]:
    """An app that sends its mail to ``smtp``, and that server's inbox."""
    inbox, port = smtp
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port), inbox
