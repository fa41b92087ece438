"""Canonical URL and Open Graph metadata for the <head> of every page.

A page describes itself with a ``page_meta`` mapping, either passed by its view to
``render_template`` or set at the top of its template (``{% set page_meta = {...} %}``); the keys
it may set are those of ``PageMeta``. Anything it leaves out gets a sensible default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlencode

from flask import current_app, request
from flask_babel import get_locale
from flask_babel import gettext as _

from crpm_cms.settings.services import get_setting

# Query arguments that never make a different page: language choice and campaign tracking.
IGNORED_ARGS = {"lang", "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "ref"}
OG_LOCALES = {"fr": "fr_FR", "en": "en_GB", "ar": "ar_AR", "pt": "pt_PT"}


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    canonical: str
    type: str = "website"  # "article" for a news item or a publication
    image: str | None = None  # absolute URL of a cover image
    image_alt: str = ""
    published_time: str | None = None  # ISO 8601, for articles


def canonical_url() -> str:
    """This page's absolute URL without language or tracking arguments (filters and page kept)."""
    kept = sorted((name, value) for name, value in request.args.items(multi=True)
                  if name not in IGNORED_ARGS and not name.startswith("utm_")
                  and not (name == "page" and value == "1"))
    return request.base_url + (f"?{urlencode(kept)}" if kept else "")


def og_locale(language: str) -> str:
    return OG_LOCALES.get(language, language)


def page_meta(given: Mapping[str, Any] | None, title: str) -> PageMeta:
    """The metadata of the page being rendered: what the page set, defaults for the rest."""
    known = {item.name for item in fields(PageMeta)}
    values = {key: value for key, value in (given or {}).items() if key in known and value}
    values.setdefault("title", title.strip() or get_setting("site_name"))
    values.setdefault("description", _("A platform of the CRPM network for the regional "
                                       "cooperation on migration policies."))
    values.setdefault("canonical", canonical_url())
    return PageMeta(**values)


def alternate_locales() -> list[str]:
    current = get_locale()
    language = current.language if current is not None else ""
    return [og_locale(code) for code in current_app.config["LANGUAGES"] if code != language]
