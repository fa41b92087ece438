"""Configuration: built-in defaults, then ``instance/config.py``, then ``CRPM_*`` environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """A configuration value is missing or malformed; the message names the key."""


DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    "PLUGINS": None,  # None = every installed plugin is loaded
    "THEME": "default",
    "LANGUAGES": ["fr", "en"],
    "DEFAULT_LANGUAGE": "fr",
    "COUNTRY": None,  # ISO code of a national deployment; None for the regional site
    "SITE_NAME": "Réseau CRPM",
    "REGISTRATION_MODE": "approval",  # open | approval | invitation
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "noreply@crpm.local",
    "MAIL_TIMEOUT": 10,
    "SITE_URL": None,  # public address (https://…), for links in e-mails sent by jobs
    "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_RATE_LIMIT": "10 per minute",
    "TRUSTED_PROXIES": 0,  # reverse proxies in front; their X-Forwarded-* headers are believed
    "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,
    "LIBRARY_MAX_UPLOAD": 50 * 1024 * 1024,  # bytes per library document
    "PASSWORD_RESET_MAX_AGE": 3600 * 2,
    "INVITATION_MAX_AGE": 3600 * 24 * 14,
    "SESSION_LIFETIME_DAYS": 30,
    "SESSION_COOKIE_SECURE": False,
    "PREFERRED_URL_SCHEME": "http",
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,  # KiB: OWASP's argon2id recommendation (m=64 MiB... t=3 p=4)
    "ARGON2_PARALLELISM": 4,
    "SEARCH_BACKEND": "whoosh",
    "SEARCH_EXACT_COUNTS_UP_TO": 5000,  # PostgreSQL search: beyond, estimated counts
    "ENV": "production",
    "TESTING": False,
    "DEBUG": False,
}

# How a string from the environment becomes the type the default has.
_BOOL_WORDS = {"1": True, "true": True, "yes": True, "on": True,
               "0": False, "false": False, "no": False, "off": False}
_LIST_KEYS = {"PLUGINS", "LANGUAGES"}
_INT_KEYS = {"TRUSTED_PROXIES", "MAIL_PORT", "MAIL_TIMEOUT", "MAX_CONTENT_LENGTH",
             "PASSWORD_RESET_MAX_AGE", "INVITATION_MAX_AGE", "SESSION_LIFETIME_DAYS",
             "ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM",
             "LIBRARY_MAX_UPLOAD", "SEARCH_EXACT_COUNTS_UP_TO"}
_BOOL_KEYS = {"MAIL_USE_TLS", "MAIL_USE_SSL", "SESSION_COOKIE_SECURE", "TESTING", "DEBUG"}
_CHOICES = {"REGISTRATION_MODE": {"open", "approval", "invitation"},
            "SEARCH_BACKEND": {"whoosh", "postgres"},
            "ENV": {"production", "development"}}


def parse_env_value(key: str, raw: str) -> Any:
    """Turn the text of ``CRPM_<key>`` into the value the app expects, or say which key is wrong."""
    value = raw.strip()
    if key in _LIST_KEYS:
        return [part.strip() for part in value.split(",") if part.strip()]
    if key in _BOOL_KEYS:
        if value.lower() not in _BOOL_WORDS:
            raise ConfigError(f"CRPM_{key} must be true or false, not {raw!r}.")
        return _BOOL_WORDS[value.lower()]
    if key in _INT_KEYS:
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"CRPM_{key} must be a whole number, not {raw!r}.") from None
    return value


def environment_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every ``CRPM_*`` variable except the instance path, parsed."""
    return {
        name[5:]: parse_env_value(name[5:], raw)
        for name, raw in environ.items()
        if name.startswith("CRPM_") and name != "CRPM_INSTANCE_PATH"
    }


def instance_path_from(environ: Mapping[str, str]) -> Path:
    """``CRPM_INSTANCE_PATH``, or ``instance/`` in the current directory."""
    return Path(environ.get("CRPM_INSTANCE_PATH") or Path.cwd() / "instance").resolve()


def validate(config: Mapping[str, Any]) -> None:
    """Check values whose mistakes would otherwise surface far from their cause."""
    for key, allowed in _CHOICES.items():
        if config.get(key) not in allowed:
            raise ConfigError(
                f"{key} must be one of {', '.join(sorted(allowed))}, not {config.get(key)!r}."
            )
    languages = config["LANGUAGES"]
    if not isinstance(languages, list | tuple) or not languages:
        raise ConfigError("LANGUAGES must be a non-empty list such as fr,en.")
    if config["DEFAULT_LANGUAGE"] not in languages:
        raise ConfigError(
            f"DEFAULT_LANGUAGE {config['DEFAULT_LANGUAGE']!r} is not one of LANGUAGES {languages}."
        )
    for key in _INT_KEYS:
        if not isinstance(config.get(key), int) or config[key] < 0:
            raise ConfigError(f"{key} must be a positive whole number, not {config.get(key)!r}.")
    site_url = config.get("SITE_URL")
    if site_url and not str(site_url).startswith(("http://", "https://")):
        raise ConfigError(f"SITE_URL must be an address such as https://reseau-crpm.org, "
                          f"not {site_url!r}.")
    if not config.get("SECRET_KEY") and not (config["TESTING"] or config["DEBUG"]):
        raise ConfigError(
            "SECRET_KEY is not set. Run `crpm init` to write one into the instance folder, "
            "or set CRPM_SECRET_KEY in the environment."
        )


def database_uri(url: str | None, instance_path: Path) -> str:
    """SQLAlchemy URI: SQLite in the instance folder by default, psycopg 3 for PostgreSQL."""
    if not url:
        return f"sqlite:///{instance_path / 'crpm.sqlite3'}"
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def flask_settings(config: Mapping[str, Any], instance_path: Path) -> dict[str, Any]:
    """Settings Flask and its extensions read under their own names."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_uri(config["DATABASE_URL"], instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": config["DEFAULT_LANGUAGE"],
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "PERMANENT_SESSION_LIFETIME": timedelta(days=config["SESSION_LIFETIME_DAYS"]),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_HEADERS_ENABLED": True,
    }


def read_instance_config(instance_path: Path) -> dict[str, Any]:
    """Upper-case names defined in ``instance/config.py``, if it exists."""
    path = instance_path / "config.py"
    if not path.exists():
        return {}
    namespace: dict[str, Any] = {"__file__": str(path)}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102
    return {key: value for key, value in namespace.items() if key.isupper()}


def load(overrides: Mapping[str, Any] | None, environ: Mapping[str, str] = os.environ) -> tuple[
    dict[str, Any], Path
]:
    """Merge defaults, instance config, environment and explicit overrides, then validate."""
    overrides = dict(overrides or {})
    instance_path = Path(overrides.pop("INSTANCE_PATH", None) or instance_path_from(environ))
    config = dict(DEFAULTS)
    config.update(read_instance_config(instance_path))
    config.update(environment_overrides(environ))
    config.update(overrides)
    validate(config)
    return config, instance_path
