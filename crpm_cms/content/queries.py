"""Read-side rules for content: what a visitor may see, decided at query time (no cron)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import Select, case, func, literal, select, union_all

from crpm_cms.content.models import ContentItem
from crpm_cms.extensions import db
from crpm_cms.timezones import utcnow


def published(kind: str, now: datetime | None = None) -> Select[ContentItem]:
    """Items of ``kind`` live now: published, scheduled time reached, not expired."""
    return select(ContentItem).where(ContentItem.kind == kind,
                                     ContentItem.live(now or utcnow()))


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "fr"


def current_language_first(query: Select[ContentItem]) -> Select[ContentItem]:
    """Newest first, items in the visitor's language before the others."""
    return query.order_by(case((ContentItem.language == _language(), 0), else_=1),
                          ContentItem.publish_at.desc(), ContentItem.id.desc())


def latest(kind: str, limit: int, featured: bool | None = None) -> Select[ContentItem]:
    """The ``limit`` newest live items, the visitor's language first.

    Sorting every live item by language would read them all; instead the newest ``limit`` of
    each side are taken through the listing index, so the cost stays flat as content grows.
    """
    query = published(kind)
    if featured is not None:
        query = query.where(ContentItem.featured.is_(featured))
    language = _language()
    newest = [query.with_only_columns(ContentItem.id).where(side)
              .order_by(ContentItem.publish_at.desc(), ContentItem.id.desc()).limit(limit)
              .subquery() for side in (ContentItem.language == language,
                                       ContentItem.language != language)]
    candidates = union_all(*(select(side.c.id) for side in newest))
    # Only the candidates' ids here: repeating the filters would make the planner scan them all.
    return current_language_first(
        select(ContentItem).where(ContentItem.id.in_(candidates))).limit(limit)


@dataclass(frozen=True)
class LanguageFirstPage:
    """One page of a list showing the visitor's language first (what the pager macro reads)."""

    items: list[ContentItem]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def language_first_page(query: Select[ContentItem], page: int,
                        per_page: int) -> LanguageFirstPage:
    """A page of ``query``, the visitor's language first, newest first on each side.

    Ordering by language would sort every live item on each request; instead each side's ids are
    read through the listing index with its own offset (one grouped count, one union of the two
    sides, one load of the items), so the cost and the number of queries stay flat as content
    grows.
    """
    same = ContentItem.language == _language()
    counts = {bool(side): number for side, number in db.session.execute(
        query.with_only_columns(same, func.count()).group_by(same).order_by(None))}
    first_total, total = counts.get(True, 0), sum(counts.values())
    start = (page - 1) * per_page
    from_first = max(0, min(per_page, first_total - start))
    sides = [  # (side filter, offset, how many): the visitor's language, then the others
        (same, start, from_first),
        (~same, max(0, start - first_total), per_page - from_first),
    ]
    ids = union_all(*(
        select(ranked.c.id, literal(order).label("side"), ranked.c.publish_at)
        for order, (side, offset, limit) in enumerate(sides)
        for ranked in [query.with_only_columns(ContentItem.id, ContentItem.publish_at).where(side)
                       .order_by(ContentItem.publish_at.desc(), ContentItem.id.desc())
                       .offset(offset).limit(limit).subquery()]
    ))
    order = {row.id: position for position, row in enumerate(sorted(
        db.session.execute(ids), key=lambda row: (row.side, -row.publish_at.timestamp(), -row.id)))}
    items = sorted(db.session.scalars(select(ContentItem).where(ContentItem.id.in_(order))),
                   key=lambda item: order[item.id])
    return LanguageFirstPage(items, page, per_page, total)
