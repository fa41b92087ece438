"""Turning plugins on and off: the only code that writes ``plugin_states``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g
from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.hookspecs import Event
from crpm_cms.plugin_system.models import PluginState
from crpm_cms.plugin_system.registry import PluginRegistry


class UnknownPlugin(LookupError):
    """The name is not a plugin this deployment loads."""


@dataclass(frozen=True)
class PluginStatus:
    name: str
    distribution: str
    version: str
    loaded: bool
    enabled: bool


def registry() -> PluginRegistry:
    return current_app.extensions["crpm_plugins"]


def is_enabled(name: str) -> bool:
    """Whether the plugin ``name`` is loaded and switched on (read once per request)."""
    return registry().is_enabled(name)


def statuses() -> list[PluginStatus]:
    """Every installed plugin with its loaded and enabled state, for the CLI and the admin page."""
    plugins = registry()
    enabled = set(db.session.scalars(select(PluginState.name).where(PluginState.enabled)))
    return [
        PluginStatus(
            name=name,
            distribution=info.distribution,
            version=info.version,
            loaded=name in plugins.loaded,
            enabled=name in plugins.loaded and name in enabled,
        )
        for name, info in sorted(plugins.installed.items())
    ]


def set_enabled(name: str, enabled: bool, actor_id: int | None = None) -> None:
    """Switch a loaded plugin on or off; its data and schema are left as they are."""
    from crpm_cms.events import emit

    if name not in registry().loaded:
        raise UnknownPlugin(name)
    state = db.session.get(PluginState, name) or PluginState(name=name)
    state.enabled = enabled
    db.session.add(state)
    db.session.commit()
    g.pop("crpm_enabled_plugins", None)
    emit(Event("plugin.enabled" if enabled else "plugin.disabled", actor_id, {"plugin": name}))


def record_new_plugins(enable: bool) -> list[str]:
    """Give every loaded plugin without a row one; a plugin installed after ``init`` starts off."""
    known = set(db.session.scalars(select(PluginState.name)))
    added = [name for name in registry().loaded if name not in known]
    for name in added:
        db.session.add(PluginState(name=name, enabled=enable))
    db.session.commit()
    return added
