"""CRPM CMS: the application factory."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, abort, request
from sqlalchemy import Engine, event
from werkzeug.middleware.proxy_fix import ProxyFix

from crpm_cms import config as configuration
from crpm_cms import core_plugin, errors, i18n, models, security, templating, theming
from crpm_cms.extensions import babel, csrf, db, limiter, login_manager, migrate
from crpm_cms.mail import outbox
from crpm_cms.permissions import collect_permissions
from crpm_cms.plugin_system.registry import PluginRegistry

__all__ = ["create_app"]
_ = models  # every table registered before migrations run

MIGRATIONS = Path(__file__).parent / "migrations"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL for concurrent readers, foreign keys enforced, and a wait instead of 'locked'."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build an app from defaults, ``instance/config.py``, ``CRPM_*`` and ``overrides``."""
    settings, instance_path = configuration.load(overrides)
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    app.config.update(settings)
    app.config.update(configuration.flask_settings(settings, instance_path))
    if settings["TRUSTED_PROXIES"]:
        hops = settings["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    instance_path.mkdir(parents=True, exist_ok=True)

    plugins = PluginRegistry(settings["PLUGINS"], core_plugin)
    app.extensions["crpm_plugins"] = plugins
    _init_extensions(app, plugins)
    theming.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    outbox.init_app(app)
    templating.init_app(app)

    with app.app_context():
        app.extensions["crpm_permissions"] = collect_permissions(
            plugins.answers("register_permissions", enabled_only=False)
        )
        app.extensions["crpm_settings"] = {
            setting.key: setting
            for declared in plugins.values("register_settings", enabled_only=False)
            for setting in declared
        }
        app.extensions["crpm_jobs"] = {
            job.name: (plugin_name, job)
            for plugin_name, jobs in plugins.answers("register_jobs", enabled_only=False)
            for job in jobs
        }
        for filters in plugins.values("register_template_filters", enabled_only=False):
            app.jinja_env.filters.update(filters)
        plugins.register_blueprints(app)
        from crpm_cms.cli import register_core_commands

        register_core_commands(app.cli)
        plugins.answers("register_commands", enabled_only=False, cli=app.cli)

    @app.before_request
    def hide_disabled_plugins() -> None:
        owner = plugins.owner_of(request.blueprints)
        if owner is not None and not plugins.is_enabled(owner):
            abort(404)

    plugins.answers("startup", enabled_only=False, app=app)
    return app


def _init_extensions(app: Flask, plugins: PluginRegistry) -> None:
    db.init_app(app)
    branches = {"core": str(MIGRATIONS / "versions"), **plugins.migration_branches()}
    app.extensions["crpm_migration_branches"] = list(branches)
    version_locations = [*branches.values(), *plugins.unloaded_migration_folders()]
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    app.extensions["crpm_version_locations"] = version_locations

    translation_dirs = [str(Path(__file__).parent / "translations"),
                        *plugins.translation_folders()]
    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories=";".join(translation_dirs))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    from crpm_cms.users import auth

    auth.init_app(app)
