"""Configuration: instance file, CRPM_* environment, clear errors naming the bad key."""

from __future__ import annotations

import pytest

from crpm_cms import create_app
from crpm_cms.config import ConfigError, environment_overrides, load


def test_environment_overrides_instance_config(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "config.py").write_text("SITE_NAME = 'Réseau Sénégal'\nCOUNTRY = 'SN'\n"
                                        "SECRET_KEY = 'from-file'\n")
    config, _ = load({"INSTANCE_PATH": tmp_path},
                     environ={"CRPM_COUNTRY": "CI", "CRPM_LANGUAGES": "fr, en",
                              "CRPM_MAIL_PORT": "2525", "CRPM_MAIL_USE_TLS": "yes"})
    assert config["SITE_NAME"] == "Réseau Sénégal"
    assert config["COUNTRY"] == "CI"
    assert config["LANGUAGES"] == ["fr", "en"]
    assert config["MAIL_PORT"] == 2525 and config["MAIL_USE_TLS"] is True


@pytest.mark.parametrize(("name", "raw"), [("CRPM_MAIL_PORT", "twenty-five"),
                                           ("CRPM_MAIL_USE_TLS", "perhaps"),
                                           ("CRPM_MAX_CONTENT_LENGTH", "50MB")])
def test_a_malformed_value_names_its_key(name: str, raw: str) -> None:
    with pytest.raises(ConfigError, match=name):
        environment_overrides({name: raw})


@pytest.mark.parametrize(("key", "value"), [("REGISTRATION_MODE", "everyone"),
                                            ("DEFAULT_LANGUAGE", "de"),
                                            ("SEARCH_BACKEND", "elastic")])
def test_a_bad_choice_names_its_key(tmp_path, key: str, value: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=key):
        load({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x", key: value}, environ={})


def test_production_without_secret_key_fails_clearly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=r"SECRET_KEY.*crpm init"):
        create_app({"INSTANCE_PATH": tmp_path})


def test_unknown_plugin_in_config_fails_at_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=r"PLUGINS.*no_such_plugin"):
        create_app({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x",
                    "PLUGINS": ["no_such_plugin"]})


def test_sqlite_in_the_instance_by_default_with_wal_and_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from crpm_cms.extensions import db

    app = create_app({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'crpm.sqlite3'}"
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_postgres_urls_use_psycopg3(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x",
                      "DATABASE_URL": "postgresql://u@127.0.0.1/db"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
