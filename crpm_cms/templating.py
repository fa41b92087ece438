"""What every template can use: the menu, plugin slots and their assets, permissions, settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, g, request
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from crpm_cms.hookspecs import MenuItem, SlotFragment
from crpm_cms.permissions import can
from crpm_cms.plugin_system.services import registry
from crpm_cms.settings.services import get_setting
from crpm_cms.users.auth import visitor

ASSETS_KEY = "crpm_slot_assets"  # on g: this page's PageAssets


def menu() -> list[MenuItem]:
    """Navigation from the core and enabled plugins, in order."""
    items = [item for answer in registry().values("menu_items", enabled_only=True,
                                                  user=visitor())
             for item in answer]
    return sorted(items, key=lambda item: (item.order, item.label))


def is_current(item: MenuItem) -> bool:
    return item.endpoint is not None and item.endpoint == request.endpoint


def fragments(name: str, context: dict[str, object]) -> list[SlotFragment]:
    """What enabled plugins put in a slot, in order (a bare ``Markup`` is of order 50)."""
    found = [answer if isinstance(answer, SlotFragment) else SlotFragment(answer)
             for answer in registry().values("template_slot", enabled_only=True, slot=name,
                                             context=context)]
    return sorted(found, key=lambda fragment: fragment.order)


@pass_context
def slot(context: Context, name: str) -> Markup:
    """HTML that enabled plugins contribute to a named place of a page; a ``str`` is escaped."""
    parts = fragments(name, dict(context))
    return asset_tags(parts) + Markup("\n").join(escape(part.html) for part in parts)


@dataclass
class PageAssets:
    """The style sheets and scripts this page's fragments asked for, and those already written."""

    asked: dict[tuple[str, str], None] = field(default_factory=dict)  # (url, "css"|"js"), in order
    written: set[str] = field(default_factory=set)
    head_written: bool = False


def page_assets() -> PageAssets:
    if ASSETS_KEY not in g:
        setattr(g, ASSETS_KEY, PageAssets())
    return getattr(g, ASSETS_KEY)


def asset_tags(parts: list[SlotFragment]) -> Markup:
    """Style sheets and scripts the fragments need, each once per page: kept for the ``<head>``
    (the layout renders the content first), or written here by a slot rendered after the head
    (the footer)."""
    assets = page_assets()
    wanted = [(url, kind) for part in parts
              for kind, urls in (("css", part.css), ("js", part.js)) for url in urls]
    if not assets.head_written:
        assets.asked.update(dict.fromkeys(wanted))
        return Markup("")
    return _write(assets, wanted)


def slot_assets() -> Markup:
    """The tags asked for by the fragments rendered so far; the layout calls it in ``<head>``."""
    assets = page_assets()
    assets.head_written = True
    return _write(assets, list(assets.asked))


def _write(assets: PageAssets, wanted: list[tuple[str, str]]) -> Markup:
    new = [(url, kind) for url, kind in dict.fromkeys(wanted) if url not in assets.written]
    assets.written.update(url for url, _kind in new)
    return _tags(new)


def _tags(assets: list[tuple[str, str]]) -> Markup:
    return Markup("\n").join(
        Markup('<link rel="stylesheet" href="{}">').format(url) if kind == "css"
        else Markup('<script src="{}" defer></script>').format(url) for url, kind in assets)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        menu=menu, is_current=is_current, slot=slot, slot_assets=slot_assets, can=can,
        setting=get_setting,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
