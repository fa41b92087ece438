"""The three plugin states: installed (entry point), loaded (config), enabled (database row)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from flask import Blueprint, Flask, g, has_request_context
from sqlalchemy import select

from crpm_cms import hookspecs
from crpm_cms.config import ConfigError
from crpm_cms.extensions import db
from crpm_cms.plugin_system.models import PluginState

ENTRY_POINT_GROUP = "crpm_cms.plugins"
CORE = "core"


@dataclass(frozen=True)
class InstalledPlugin:
    """A plugin declared by an installed distribution, whether or not this deployment loads it."""

    name: str
    entry_point: metadata.EntryPoint
    distribution: str
    version: str


def installed_plugins() -> dict[str, InstalledPlugin]:
    """Every entry point in the ``crpm_cms.plugins`` group, by plugin name."""
    found: dict[str, InstalledPlugin] = {}
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        found[entry_point.name] = InstalledPlugin(
            name=entry_point.name,
            entry_point=entry_point,
            distribution=dist.name if dist else "",
            version=dist.version if dist else "",
        )
    return found


class PluginRegistry:
    """One per app: its own pluggy manager, so apps in one process never share plugins."""

    def __init__(self, wanted: Iterable[str] | None, core_plugin: ModuleType) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.installed = installed_plugins()
        names = list(self.installed) if wanted is None else list(wanted)
        unknown = [name for name in names if name not in self.installed]
        if unknown:
            raise ConfigError(
                f"PLUGINS (CRPM_PLUGINS) names plugins that are not installed: "
                f"{', '.join(unknown)}. "
                f"Installed: {', '.join(sorted(self.installed)) or 'none'}."
            )
        self.pm.register(core_plugin, name=CORE)
        self.loaded: dict[str, ModuleType] = {}
        for name in names:
            module = self.installed[name].entry_point.load()
            self.pm.register(module, name=name)
            self.loaded[name] = module
        self.pm.check_pending()
        self.blueprint_owners: dict[str, str] = {}

    # -- startup ---------------------------------------------------------------------------------

    def call_startup_hook(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a startup hook on every loaded plugin, keeping who answered what."""
        answers = []
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            arguments = {name: kwargs[name] for name in impl.argnames}
            result = impl.function(**arguments)
            if result is not None:
                answers.append((impl.plugin_name, result))
        return answers

    def register_blueprints(self, app: Flask) -> None:
        for plugin_name, blueprints in self.call_startup_hook("register_blueprints", app=app):
            for blueprint in blueprints:
                self._register_blueprint(app, plugin_name, blueprint)

    def _register_blueprint(self, app: Flask, plugin_name: str, blueprint: Blueprint) -> None:
        app.register_blueprint(blueprint)
        if plugin_name != CORE:
            self.blueprint_owners[blueprint.name] = plugin_name

    # -- enabled state -----------------------------------------------------------------------------

    def enabled_names(self) -> frozenset[str]:
        """Loaded plugins switched on in the database; read once per request, never longer."""
        if has_request_context() and "crpm_enabled_plugins" in g:
            return g.crpm_enabled_plugins
        rows = db.session.scalars(select(PluginState.name).where(PluginState.enabled)).all()
        names = frozenset(name for name in rows if name in self.loaded)
        if has_request_context():
            g.crpm_enabled_plugins = names
        return names

    def is_enabled(self, name: str) -> bool:
        return name == CORE or name in self.enabled_names()

    def enabled_hook(self, hook_name: str) -> pluggy.HookCaller:
        """The hook called on the core and the enabled plugins only."""
        enabled = self.enabled_names()
        disabled = [module for name, module in self.loaded.items() if name not in enabled]
        if not disabled:
            return getattr(self.pm.hook, hook_name)
        return self.pm.subset_hook_caller(hook_name, remove_plugins=disabled)

    # -- migrations --------------------------------------------------------------------------------

    def migration_branches(self) -> dict[str, str]:
        """``{branch label: versions folder}`` of the loaded plugins that have migrations."""
        return dict(self.call_startup_hook("register_migrations"))

    def unloaded_migration_folders(self) -> list[str]:
        """Versions folders of installed plugins this deployment does not load.

        Alembic must know every revision recorded in the database, so a plugin taken out of
        ``PLUGINS`` after it was migrated keeps its history visible (its migrations are not run).
        Found by convention (``<package>/migrations/versions``, the package holding the entry
        point's module, e.g. ``crpm_plugins.webinars``) without importing the plugin.
        """
        folders = []
        for name, info in self.installed.items():
            if name in self.loaded:
                continue
            module = info.entry_point.value.split(":")[0]
            packages = dict.fromkeys([module.rpartition(".")[0] or module, module.split(".")[0]])
            for package in packages:
                spec = importlib.util.find_spec(package)
                for location in (spec.submodule_search_locations or []) if spec else []:
                    versions = Path(location) / "migrations" / "versions"
                    if versions.is_dir() and str(versions) not in folders:
                        folders.append(str(versions))
        return folders

    def owner_of(self, blueprint_names: Iterable[str]) -> str | None:
        for name in blueprint_names:
            if name in self.blueprint_owners:
                return self.blueprint_owners[name]
        return None
