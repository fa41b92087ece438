"""The ``crpm`` command as an administrator runs it: separate processes, real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each command in its own process


@pytest.fixture
def crpm(tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    """Run ``crpm …`` in a fresh process against this test's instance folder and database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CRPM_")}
    env.update(CRPM_INSTANCE_PATH=str(tmp_path / "instance"), CRPM_DATABASE_URL=database_url,
               CRPM_ARGON2_MEMORY_COST="1024", CRPM_ARGON2_TIME_COST="1")

    def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "crpm_cms", *args], env=env,
                                capture_output=True, text=True, timeout=120)
        if ok:
            assert result.returncode == 0, result.stderr + result.stdout
        return result

    return run


def test_init_writes_a_secret_key_once_and_is_idempotent(crpm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = crpm("init", "--admin-email", "root@test.crpm", "--admin-password", "long password 1")
    assert "Administrator root@test.crpm created" in first.stdout
    config = (tmp_path / "instance" / "config.py").read_text()
    assert "SECRET_KEY" in config
    second = crpm("init", "--admin-email", "root@test.crpm", "--admin-password", "other pass 12")
    assert "already exists" in second.stdout
    assert (tmp_path / "instance" / "config.py").read_text() == config


def test_demo_is_idempotent_and_prints_the_accounts(crpm, make_app) -> None:  # type: ignore[no-untyped-def]
    from crpm_cms.extensions import db
    from crpm_cms.organisations.models import Organisation
    from crpm_cms.users.models import User

    first = crpm("demo", "--password", "demo password 1")
    for email in ("admin@demo.crpm", "editor@demo.crpm", "member@demo.crpm"):
        assert email in first.stdout
    app = make_app()
    with app.app_context():
        counts = (db.session.query(Organisation).count(), db.session.query(User).count())
        countries = {code for (code,) in db.session.query(Organisation.country_code).distinct()}
    crpm("demo", "--password", "demo password 1")
    with app.app_context():
        assert (db.session.query(Organisation).count(), db.session.query(User).count()) == counts
    # plugins add their own demo records through the load_demo_data hook, once
    assert app.test_client().get("/example/").get_data(as_text=True).count(
        "Note de démonstration") == 1
    assert countries == {"CM", "KM", "CI", "GN", "MG", "MA", "SN", "TN", "FR"}
    home = app.test_client().get("/").get_data(as_text=True)
    assert "Plateforme des acteurs non étatiques du Sénégal" in home or "Sénégal" in home


def test_users_create_and_token(crpm) -> None:  # type: ignore[no-untyped-def]
    crpm("init")
    created = crpm("users", "create", "fp@test.crpm", "--role", "focal_point", "--country", "sn")
    assert "Password:" in created.stdout
    token = crpm("users", "token", "fp@test.crpm").stdout.strip()
    assert token.startswith("crpm_")
    duplicate = crpm("users", "create", "fp@test.crpm", ok=False)
    assert duplicate.returncode != 0 and "existe déjà" in duplicate.stderr + duplicate.stdout
    unknown = crpm("users", "token", "nobody@test.crpm", ok=False)
    assert unknown.returncode != 0 and "nobody@test.crpm" in unknown.stderr


def test_plugins_commands_report_unknown_names(crpm) -> None:  # type: ignore[no-untyped-def]
    crpm("init")
    assert crpm("plugins", "list").returncode == 0
    result = crpm("plugins", "enable", "no_such_plugin", ok=False)
    assert result.returncode != 0 and "no_such_plugin" in result.stderr


def test_db_upgrade(crpm) -> None:  # type: ignore[no-untyped-def]
    crpm("init")
    assert "Schema up to date" in crpm("db", "upgrade").stdout


def test_missing_secret_key_is_a_clear_error(crpm) -> None:  # type: ignore[no-untyped-def]
    result = crpm("plugins", "list", ok=False)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
