"""What every template can use: the menu, plugin slots, permissions, settings, languages."""

from __future__ import annotations

from flask import Flask, current_app, request
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from crpm_cms.hookspecs import MenuItem
from crpm_cms.permissions import can
from crpm_cms.settings.services import get_setting
from crpm_cms.users.auth import visitor


def menu() -> list[MenuItem]:
    """Navigation from the core and enabled plugins, in order."""
    hook = current_app.extensions["crpm_plugins"].enabled_hook("menu_items")
    items = [item for answer in hook(user=visitor()) for item in answer or ()]
    return sorted(items, key=lambda item: (item.order, item.label))


def is_current(item: MenuItem) -> bool:
    return item.endpoint is not None and item.endpoint == request.endpoint


@pass_context
def slot(context: Context, name: str) -> Markup:
    """HTML that enabled plugins contribute to a named place of a page."""
    hook = current_app.extensions["crpm_plugins"].enabled_hook("template_slot")
    parts = hook(slot=name, context=dict(context))
    return Markup("\n").join(Markup(part) for part in reversed(parts) if part)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        menu=menu, is_current=is_current, slot=slot, can=can, setting=get_setting,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
