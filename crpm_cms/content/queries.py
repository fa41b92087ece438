"""Read-side rules for content: what a visitor may see, decided at query time (no cron)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import Select, case, select, union_all

from crpm_cms.content.models import ContentItem
from crpm_cms.users.models import utcnow


def published(kind: str, now: datetime | None = None) -> Select[tuple[ContentItem]]:
    """Items of ``kind`` live now: published, scheduled time reached, not expired."""
    return select(ContentItem).where(ContentItem.kind == kind,
                                     ContentItem.live(now or utcnow()))


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "fr"


def current_language_first(query: Select[tuple[ContentItem]]) -> Select[tuple[ContentItem]]:
    """Newest first, items in the visitor's language before the others."""
    return query.order_by(case((ContentItem.language == _language(), 0), else_=1),
                          ContentItem.publish_at.desc(), ContentItem.id.desc())


def latest(kind: str, limit: int, featured: bool | None = None) -> Select[tuple[ContentItem]]:
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
