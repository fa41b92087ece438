"""Numbers a visitor sends, and pages of results: the ``?page=`` of HTML lists, and the pages of
the JSON API.

HTML lists clamp the page number (a page past the end is simply empty); the API refuses a
bad ``page`` or ``per_page`` with ``InvalidRequest``, which its blueprints answer with a 400.
A number from a request is read with ``whole_number_in`` or ``row_id``: ASCII digits only
(``int()`` would take ``٣``; ``str.isdigit()`` takes ``¹``, which ``int()`` then refuses) and
within bounds the database can compare (a 20-digit id overflows PostgreSQL's ``bigint``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from sqlalchemy import Select

from crpm_cms.extensions import db

MAX_PAGE = 100_000  # a larger page number is past the end anyway; keeps OFFSET in range
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


MAX_ROW_ID = 2**63 - 1  # PostgreSQL's bigint, SQLite's integer


def whole_number_in(text: str | None, low: int, high: int) -> int | None:
    """``text`` as a whole number from ``low`` to ``high`` (ASCII digits, an optional ``-``),
    or ``None`` for anything else."""
    text = (text or "").strip()
    digits = text.removeprefix("-")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 19:
        return None
    value = int(text)
    return value if low <= value <= high else None


def row_id(text: str | None) -> int | None:
    """``text`` as the id of a database row, or ``None`` (which finds nothing)."""
    return whole_number_in(text, 1, MAX_ROW_ID)


def row_ids(texts: Iterable[str]) -> list[int]:
    """The row ids among ``texts``, anything else left out."""
    return [number for number in map(row_id, texts) if number is not None]


def page_number() -> int:
    """The ``?page=`` of an HTML list, from 1 to ``MAX_PAGE`` (anything else reads as 1)."""
    page = whole_number_in(request.args.get("page"), 1, 10**12)
    return min(page or 1, MAX_PAGE)


class InvalidRequest(ValueError):
    """What the caller sent cannot be used; ``fields`` maps each wrong field to its message."""

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = dict(fields or {})


def whole_number(args: Mapping[str, str], name: str, default: int | None, low: int,
                 high: int) -> int | None:
    """The query argument ``name`` as a whole number within bounds, or InvalidRequest."""
    raw = args.get(name)
    if raw in (None, ""):
        return default
    value = whole_number_in(raw, low, high)
    if value is None:
        raise InvalidRequest(_("Invalid query."), {
            name: _("Give a whole number from %(low)d to %(high)d.", low=low, high=high)})
    return value


def page_arguments(args: Mapping[str, str]) -> tuple[int, int]:
    """``page`` and ``per_page`` (at most 100), or InvalidRequest."""
    page = whole_number(args, "page", 1, 1, 1_000_000)
    per_page = whole_number(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    assert page is not None and per_page is not None
    return page, per_page


@dataclass(frozen=True)
class Page:
    """One page of results. No total: counting every match costs as much as reading them all,
    which would make each page slower as the site grows."""

    items: list[Any]
    page: int
    per_page: int
    has_next: bool


def page_of(query: Select, page: int, per_page: int) -> Page:
    """Rows of ``page``; one more is read to know whether a next page exists."""
    rows = list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page + 1)))
    return Page(rows[:per_page], page, per_page, len(rows) > per_page)


def page_links(result: Page) -> dict[str, Any]:
    """``page``, ``per_page`` and the addresses of the next and previous pages (or null)."""

    def link(page: int) -> str:
        arguments: dict[str, Any] = {**request.args.to_dict(), "page": page}
        return url_for(request.endpoint or "api.index", _external=True, **arguments)

    return {"page": result.page, "per_page": result.per_page,
            "next": link(result.page + 1) if result.has_next else None,
            "previous": link(result.page - 1) if result.page > 1 else None}
