"""Test databases: migrated once per run (the template), then a clean one for each test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crpm_cms import create_app
from crpm_cms.cli import initialise
from crpm_cms.extensions import db

# Argon2's cheapest settings: a sign-in costs microseconds instead of a tenth of a second.
FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}
KEPT_TABLES = {"alembic_version", "countries", "terms"}  # emptied tables would need init again


def base_config(instance: Path, database_url: str) -> dict[str, Any]:
    """Settings of a test app on ``database_url``; add yours on top."""
    return {"INSTANCE_PATH": instance, "SECRET_KEY": "test-secret", "TESTING": True,
            "SITE_URL": "http://localhost",
            "DATABASE_URL": database_url, "LOGIN_RATE_LIMIT": "100000 per minute",
            **FAST_HASHING}


def build_template(folder: Path, postgres_url: str | None = None) -> str:
    """Migrate the template once: the PostgreSQL database ``postgres_url``, or else an SQLite
    file in ``folder``; its URL."""
    url = postgres_url or f"sqlite:///{folder / 'template.sqlite3'}"
    app = create_app(base_config(folder, url))
    with app.app_context():
        initialise("all")
        db.engine.dispose()
    return url


def postgres_server() -> str | None:
    """The PostgreSQL server named by ``CRPM_TEST_DATABASE_URL``, spoken to with psycopg 3 (the
    app's driver); ``None`` when unset: the tests run on SQLite."""
    server = os.environ.get("CRPM_TEST_DATABASE_URL")
    return server.replace("postgresql://", "postgresql+psycopg://", 1) if server else None


def create_database(server: str, name: str) -> str:
    """Create database ``name`` on ``server``; its URL."""
    _run_on_server(server, f'CREATE DATABASE "{name}"')
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
def database_copy(template_url: str, folder: Path) -> Iterator[str]:
    """A database for one test; yields its URL. SQLite copies the template's file into
    ``folder``; PostgreSQL uses the template itself and empties it afterwards."""
    if template_url.startswith("sqlite"):
        copy = folder / "test.sqlite3"
        shutil.copy(template_url.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
        return
    yield template_url
    engine = create_engine(template_url)
    with engine.begin() as connection:
        tables = [row[0] for row in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            if row[0] not in KEPT_TABLES]
        if tables:
            connection.execute(text(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()
