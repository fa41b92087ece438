"""The plugin's hook implementations: all it adds to the site goes through these.

Its migrations (``migrations/versions``) and translations (``translations``) are found by
convention; see docs/plugins/hooks.md in crpm-cms for every hook.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from crpm_cms.hookspecs import MenuItem, Permission, SlotFragment, hookimpl
from crpm_cms.plugin_api import User
from crpm_hello import models, services  # noqa: F401  (models: its table is known to Alembic)

HOME_GREETINGS = 3


@hookimpl
def register_blueprints(app: Flask) -> list[Blueprint]:
    from crpm_hello.views import blueprint

    return [blueprint]


@hookimpl
def register_permissions() -> list[Permission]:
    # "member" is every signed-in, active account.
    return [Permission(services.POST, ("member",), "Post a greeting on /hello/.")]


@hookimpl
def menu_items(user: User | None) -> list[MenuItem]:
    return [MenuItem(_("Greetings"), url_for("hello.index"), 65, "hello.index")]


@hookimpl
def template_slot(slot: str, context: dict[str, Any]) -> SlotFragment | None:
    """The newest greetings on the home page, with the plugin's own style sheet."""
    if slot != "home_aside":
        return None
    html = render_template("hello/_home.html", greetings=services.latest(HOME_GREETINGS))
    return SlotFragment(Markup(html), order=60,
                        css=(url_for("hello.static", filename="hello.css"),))
