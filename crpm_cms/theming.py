"""Template lookup: instance > active theme > default theme > core > plugin (first match wins).

A template named ``default:X`` skips the instance and the active theme, so an override can
``{% extends "default:base.html" %}`` and change one block of the original.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import crpm_themes
from flask import Flask, abort, current_app, send_from_directory
from flask.typing import ResponseReturnValue
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, TemplateNotFound

from crpm_cms.config import ConfigError

BUILTIN_THEMES = Path(crpm_themes.__file__).parent
DEFAULT_THEME = "default"
CORE_DOMAINS = ("site", "users", "organisations", "content", "library", "feeds", "admin", "api")


def theme_folder(app: Flask, name: str) -> Path:
    """A theme in ``instance/themes/`` first, then the themes shipped with the CMS."""
    for base in (Path(app.instance_path) / "themes", BUILTIN_THEMES):
        if (base / name / "templates").is_dir() or (base / name / "static").is_dir():
            return base / name
    raise ConfigError(f"THEME {name!r} is neither in instance/themes/ nor a built-in theme.")


class DefaultPrefixLoader(BaseLoader):
    """Serves ``default:name`` from the loaders below the active theme."""

    def __init__(self, fallback: BaseLoader) -> None:
        self.fallback = fallback

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if not template.startswith("default:"):
            raise TemplateNotFound(template)
        return self.fallback.get_source(environment, template.removeprefix("default:"))


def build_loader(app: Flask) -> ChoiceLoader:
    core_root = Path(app.root_path)
    core = [FileSystemLoader(core_root / "templates")] + [
        FileSystemLoader(core_root / domain / "templates") for domain in CORE_DOMAINS
    ]
    default_theme = FileSystemLoader(theme_folder(app, DEFAULT_THEME) / "templates")
    below_active = ChoiceLoader([default_theme, *core])
    active = app.config["THEME"]
    overrides: list[BaseLoader] = [FileSystemLoader(Path(app.instance_path) / "templates")]
    if active != DEFAULT_THEME:
        overrides.append(FileSystemLoader(theme_folder(app, active) / "templates"))
    return ChoiceLoader([DefaultPrefixLoader(below_active), *overrides, below_active])


def theme_static(filename: str) -> ResponseReturnValue:
    """Static files of the active theme, falling back to the default theme's."""
    for name in dict.fromkeys([current_app.config["THEME"], DEFAULT_THEME]):
        folder = theme_folder(current_app, name) / "static"
        if (folder / filename).is_file():
            return send_from_directory(folder, filename, max_age=3600 * 24)
    abort(404)


def init_app(app: Flask) -> None:
    theme_folder(app, app.config["THEME"])  # fail at start on an unknown theme
    app.jinja_loader = build_loader(app)
    app.add_url_rule("/theme/<path:filename>", "theme_static", theme_static)
