"""Reading and writing site settings; defaults come from ``register_settings``."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.hookspecs import Setting
from crpm_cms.settings.models import SiteSetting


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


def save_settings(values: dict[str, Any]) -> None:
    """Store the given settings in one transaction."""
    declared = declared_settings()
    for key, value in values.items():
        if key not in declared:
            raise KeyError(key)
        row = db.session.get(SiteSetting, key) or SiteSetting(key=key)
        row.value = value
        db.session.add(row)
    db.session.commit()
    if has_request_context():
        g.pop("crpm_settings", None)
