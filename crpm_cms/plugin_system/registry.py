"""The three plugin states: installed (entry point), loaded (config), enabled (database row);
and the one way the core calls hooks (``PluginRegistry.answers``)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from flask import Blueprint, Flask, current_app, g, has_request_context
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


@cache
def installed_plugins() -> dict[str, InstalledPlugin]:
    """Every entry point in the ``crpm_cms.plugins`` group, by plugin name (read once per
    process: installing a plugin means restarting the workers anyway)."""
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
        _refuse_wrappers(self.pm)
        self.blueprint_owners: dict[str, str] = {}

    # -- calling hooks ---------------------------------------------------------------------------

    def answers(self, hook_name: str, *, enabled_only: bool, isolated: bool = False,
                **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook and keep who answered what, leaving out ``None`` answers.

        The order is pluggy's: ``tryfirst`` implementations, then the others from the last
        registered plugin to the first (the core is registered first, so it answers last), then
        ``trylast``. ``enabled_only`` leaves out the loaded plugins switched off in the database.
        ``isolated``: an implementation that raises is logged and skipped, and the others still
        answer.
        """
        skipped = self.disabled_names() if enabled_only else frozenset()
        found = []
        for impl in reversed(getattr(self.pm.hook, hook_name).get_hookimpls()):
            if impl.plugin_name in skipped:
                continue
            try:
                result = impl.function(**{name: kwargs[name] for name in impl.argnames})
            except Exception:
                if not isolated:
                    raise
                current_app.logger.exception("%s of %s failed", hook_name, impl.plugin_name)
                continue
            if result is not None:
                found.append((impl.plugin_name, result))
        return found

    def values(self, hook_name: str, *, enabled_only: bool, **kwargs: Any) -> list[Any]:
        """The answers of ``answers`` without who gave them."""
        return [value for _, value in self.answers(hook_name, enabled_only=enabled_only,
                                                   **kwargs)]

    def register_blueprints(self, app: Flask) -> None:
        for plugin_name, blueprints in self.answers("register_blueprints", enabled_only=False,
                                                    app=app):
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

    def disabled_names(self) -> frozenset[str]:
        return frozenset(self.loaded) - self.enabled_names()

    # -- folders found by convention -------------------------------------------------------------

    def conventional_folders(self, relative: str, override_hook: str) -> dict[str, str]:
        """``{plugin: folder}``: ``<plugin package>/<relative>`` where it exists, unless the
        plugin names another folder through ``override_hook`` (``register_migrations``…)."""
        overrides = dict(self.answers(override_hook, enabled_only=False))
        folders = {}
        for name in self.loaded:
            if name in overrides:
                folders[name] = str(overrides[name])
                continue
            found = _package_folders(self.installed[name].entry_point, relative)
            if found:
                folders[name] = found[0]
        return folders

    def migration_branches(self) -> dict[str, str]:
        """``{branch label: versions folder}`` of the loaded plugins that have migrations."""
        return self.conventional_folders("migrations/versions", "register_migrations")

    def translation_folders(self) -> list[str]:
        """The ``translations`` folders of the loaded plugins (Babel catalogues)."""
        return list(self.conventional_folders("translations", "register_translations").values())

    def unloaded_migration_folders(self) -> list[str]:
        """Versions folders of installed plugins this deployment does not load.

        Alembic must know every revision recorded in the database, so a plugin taken out of
        ``PLUGINS`` after it was migrated keeps its history visible (its migrations are not run).
        Found by convention, without importing the plugin.
        """
        folders: list[str] = []
        for name, info in self.installed.items():
            if name not in self.loaded:
                folders += [found for found in _package_folders(info.entry_point,
                                                                 "migrations/versions")
                            if found not in folders]
        return folders

    def owner_of(self, blueprint_names: Iterable[str]) -> str | None:
        for name in blueprint_names:
            if name in self.blueprint_owners:
                return self.blueprint_owners[name]
        return None


def _package_folders(entry_point: metadata.EntryPoint, relative: str) -> list[str]:
    """``<package>/<relative>`` folders that exist, for the package holding the entry point's
    module (``crpm_plugins.webinars`` for ``crpm_plugins.webinars.plugin``) and its top-level
    package, found without importing the plugin."""
    module = entry_point.value.split(":")[0]
    folders = []
    for package in dict.fromkeys([module.rpartition(".")[0] or module, module.split(".")[0]]):
        spec = importlib.util.find_spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            folder = Path(location) / relative
            if folder.is_dir() and str(folder) not in folders:
                folders.append(str(folder))
    return folders


def _refuse_wrappers(pm: pluggy.PluginManager) -> None:
    """The core calls each implementation itself to know who answered; a hook wrapper would be
    skipped silently, so it is refused at start."""
    for caller in pm.hook.__dict__.values():
        for impl in caller.get_hookimpls():
            if impl.hookwrapper or impl.wrapper:
                raise ConfigError(f"Plugin {impl.plugin_name!r} wraps the hook {caller.name!r}: "
                                  "CRPM hooks do not take wrappers (hookwrapper/wrapper).")
