"""Reading and writing site settings; defaults come from ``register_settings``."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crpm_cms.extensions import db
from crpm_cms.hookspecs import Setting
from crpm_cms.settings.models import SiteSetting
from crpm_cms.versions import StaleRecord, claim


def declared_settings() -> dict[str, Setting]:
    return current_app.extensions["crpm_settings"]


def _stored() -> dict[str, Any]:
    if has_request_context() and "crpm_settings" in g:
        return g.crpm_settings
    stored = {row.key: row.value for row in db.session.scalars(select(SiteSetting))}
    if has_request_context():
        g.crpm_settings = stored
    return stored


def get_setting(key: str) -> Any:
    declared = declared_settings()
    if key not in declared:
        raise KeyError(f"Unknown setting {key!r}; declare it with register_settings.")
    return _stored().get(key, declared[key].default)


def setting_versions(keys: list[str]) -> str:
    """The versions of the stored settings ``keys`` as a form carries them (``key=3;…``; a
    setting never saved is at 0)."""
    rows = {row.key: row.version for row in db.session.scalars(
        select(SiteSetting).where(SiteSetting.key.in_(keys)))}
    return ";".join(f"{key}={rows.get(key, 0)}" for key in keys)


def parse_versions(text: str | None) -> dict[str, int]:
    pairs = (part.partition("=") for part in (text or "").split(";") if "=" in part)
    return {key: int(value) for key, _, value in pairs if value.isascii() and value.isdigit()}


def save_settings(values: dict[str, Any], seen: dict[str, int] | None = None) -> None:
    """Store the given settings in one transaction; with ``seen`` (the versions the person's
    form was filled from), ``StaleRecord`` if someone saved one of them since."""
    declared = declared_settings()
    try:
        for key, value in values.items():
            if key not in declared:
                raise KeyError(key)
            row = db.session.get(SiteSetting, key)
            if seen is not None and key in seen:
                if (row is None and seen[key] > 0) or (row is not None and seen[key] == 0):
                    raise StaleRecord(row.version if row else None)
                claim(row, seen[key] or None)
            row = row or SiteSetting(key=key)
            row.value = value
            db.session.add(row)
        db.session.commit()
    except StaleRecord:
        db.session.rollback()
        forget_cached_settings()
        raise
    except IntegrityError:  # a setting saved for the first time by someone else meanwhile
        db.session.rollback()
        forget_cached_settings()
        raise StaleRecord(None) from None
    forget_cached_settings()


def forget_cached_settings() -> None:
    """The next ``get_setting`` of this request reads the database again."""
    if has_request_context():
        g.pop("crpm_settings", None)
