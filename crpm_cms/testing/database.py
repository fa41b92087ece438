"""Test databases: one template migrated and initialised per run, a copy of it for each test.

``crpm init`` takes about a second (migrations, reference data, the search index), so it runs
once, on the template; each test then gets copies of the template's database and instance
folder, which start out consistent with each other (the search index matches the rows).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crpm_cms import create_app
from crpm_cms.cli import initialise
from crpm_cms.extensions import db

# Argon2's cheapest settings: a sign-in costs microseconds instead of a tenth of a second.
FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}


def base_config(instance: Path, database_url: str) -> dict[str, Any]:
    """Settings of a test app on ``database_url``; add yours on top."""
    return {"INSTANCE_PATH": instance, "SECRET_KEY": "test-secret", "TESTING": True,
            "SITE_URL": "http://localhost",
            "DATABASE_URL": database_url, "LOGIN_RATE_LIMIT": "100000 per minute",
            **FAST_HASHING}


class DatabaseCopies:
    """Copies of a PostgreSQL template database, made (one ahead) and dropped in two threads
    while the tests run: the server spends about 0.2 s on a copy and its removal, time Python
    would only wait for."""

    def __init__(self, server: str, template: str) -> None:
        self.server, self.template = server, template
        self._maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="database-copies")
        self._dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="database-drops")
        self._next: Future[str] | None = None
        self._drops: list[Future[None]] = []

    def _copy(self) -> str:
        name = f"{self.template}_{uuid.uuid4().hex[:8]}"
        return create_database(self.server, name, template=self.template)

    def _drop(self, url: str) -> None:
        drop_database(self.server, str(make_url(url).database))

    def take(self) -> str:
        """A copy of the template for a test (its URL); the next one starts being made."""
        url = (self._next or self._maker.submit(self._copy)).result()
        self._next = self._maker.submit(self._copy)
        return url

    def give_back(self, url: str) -> None:
        """The test is over: its copy goes."""
        self._drops.append(self._dropper.submit(self._drop, url))

    def close(self) -> None:
        """Drop the copy made ahead for a test that did not come; report a failed drop."""
        if self._next is not None:
            self.give_back(self._next.result())
            self._next = None
        self._maker.shutdown()
        self._dropper.shutdown()
        for drop in self._drops:
            drop.result()


@dataclass(frozen=True)
class Template:
    """A database after ``crpm init`` and its instance folder; on PostgreSQL, the maker of its
    copies (nobody may be connected to a database while it is copied)."""

    url: str
    instance: Path
    copies: DatabaseCopies | None = None


def build_template(folder: Path, postgres_url: str | None = None, server: str | None = None,
                   config: Mapping[str, Any] | None = None) -> Template:
    """Initialise the template, with ``config`` added to the test settings: the PostgreSQL
    database ``postgres_url`` on ``server``, or else an SQLite file in ``folder``."""
    url = postgres_url or f"sqlite:///{folder / 'template.sqlite3'}"
    instance = folder / "instance"
    app = create_app({**base_config(instance, url), **(config or {})})
    with app.app_context():
        initialise("all")
    with app.app_context():  # the first one's teardown may still write to the index
        db.engine.dispose()  # PostgreSQL copies a database only while nobody is connected to it
    if postgres_url is None or server is None:
        return Template(url, instance)
    return Template(url, instance, DatabaseCopies(server, str(make_url(postgres_url).database)))


@contextmanager
def empty_database(folder: Path, name: str, kind: str) -> Iterator[str]:
    """The URL of a database with no table at all, as a new deployment starts: a SQLite file
    in ``folder``, or (``kind="postgres"``) a throwaway PostgreSQL database, dropped after;
    the test is skipped when no PostgreSQL server is configured."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'{name}.sqlite3'}"
        return
    server = postgres_server()
    if server is None:
        pytest.skip("PostgreSQL is not configured (CRPM_TEST_DATABASE_URL)")
    database = f"{name}_{uuid.uuid4().hex[:10]}"
    url = create_database(server, database)
    try:
        yield url
    finally:
        drop_database(server, database)


def postgres_server() -> str | None:
    """The PostgreSQL server named by ``CRPM_TEST_DATABASE_URL``, spoken to with psycopg 3 (the
    app's driver); ``None`` when unset: the tests run on SQLite."""
    server = os.environ.get("CRPM_TEST_DATABASE_URL")
    return server.replace("postgresql://", "postgresql+psycopg://", 1) if server else None


def create_database(server: str, name: str, template: str | None = None) -> str:
    """Create database ``name`` on ``server`` (a copy of ``template`` if given); its URL."""
    copy = f' TEMPLATE "{template}"' if template else ""
    _run_on_server(server, f'CREATE DATABASE "{name}"{copy}')
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(server: str, name: str) -> None:
    _run_on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run_on_server(server: str, statement: str) -> None:
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@contextmanager
def database_copy(template: Template, folder: Path) -> Iterator[str]:
    """A copy of the template's database for one test, removed after it; yields its URL.

    SQLite copies the file into ``folder``; PostgreSQL copies the whole database (``CREATE
    DATABASE … TEMPLATE``), faster than emptying every table and running init again.
    """
    if template.copies is None:
        copy = folder / "test.sqlite3"
        shutil.copy(template.url.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
        return
    url = template.copies.take()
    try:
        yield url
    finally:
        template.copies.give_back(url)
