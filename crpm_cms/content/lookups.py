"""What the editor and the item pages look up: one item, its translations, static pages, the
editor's dashboard lists. What visitors may list lives in ``queries``."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, SQLColumnExpression, false, or_, select

from crpm_cms.content.models import ContentItem
from crpm_cms.content.services import editable_by, reviewable_by
from crpm_cms.extensions import db
from crpm_cms.timezones import utcnow
from crpm_cms.users.models import User


def translations(item: ContentItem, user: User | None) -> list[ContentItem]:
    """The other-language versions the visitor may open: live ones, or any for its editors."""
    if item.translation_key is None:
        return []
    others = db.session.scalars(select(ContentItem).where(
        ContentItem.translation_key == item.translation_key, ContentItem.id != item.id,
        or_(ContentItem.live(utcnow()), editable_by(user) if user else false()))
        .order_by(ContentItem.language))
    return list(others)


def static_page(slug: str, language: str) -> ContentItem | None:
    """The live version of a static page in ``language``, else its first version."""
    slugs = [slug] + [f"{slug}-{code}" for code in current_app.config["LANGUAGES"]]
    pages = list(db.session.scalars(select(ContentItem).where(
        ContentItem.kind == "page", ContentItem.slug.in_(slugs), ContentItem.live(utcnow()))))
    pages.sort(key=lambda page: (page.language != language, page.slug != slug))
    return pages[0] if pages else None


def page_items() -> dict[str, ContentItem]:
    """Every static page item by slug (for the editor's list of pages)."""
    return {item.slug: item for item in db.session.scalars(
        select(ContentItem).where(ContentItem.kind == "page"))}


def translation_choices(kind: str, item_id: int | None) -> list[tuple[int, str, str]]:
    """Items that may be linked as translations: (id, title, language), newest first."""
    query = (select(ContentItem.id, ContentItem.title, ContentItem.language)
             .where(ContentItem.kind == kind).order_by(ContentItem.updated_at.desc()).limit(500))
    if item_id is not None:
        query = query.where(ContentItem.id != item_id)
    return [(id_, title, language) for id_, title, language in db.session.execute(query)]


def current_translation_of(item: ContentItem) -> int | None:
    if item.translation_key is None:
        return None
    return db.session.scalar(select(ContentItem.id).where(
        ContentItem.translation_key == item.translation_key, ContentItem.id != item.id)
        .order_by(ContentItem.id).limit(1))


# -- the editor's dashboard -------------------------------------------------------------------

DASHBOARD_SIZE = 20


def _listed(*conditions: ColumnElement[bool],
            order: SQLColumnExpression[Any] | None = None) -> list[ContentItem]:
    query = select(ContentItem).where(*conditions)
    query = query.order_by(order if order is not None else ContentItem.updated_at.desc())
    return list(db.session.scalars(query.limit(DASHBOARD_SIZE)))


def dashboard(user: User) -> dict[str, list[ContentItem]]:
    """The editor's lists: drafts, to review, scheduled, expired, recently published."""
    now = utcnow()
    mine = editable_by(user)
    published = ContentItem.status == "published"
    return {
        "drafts": _listed(ContentItem.author_id == user.id, ContentItem.status == "draft"),
        "review": awaiting_review(user),
        "scheduled": _listed(mine, published, ContentItem.publish_at > now,
                             order=ContentItem.publish_at),
        "expired": _listed(mine, published, ContentItem.expires_at <= now,
                           order=ContentItem.expires_at.desc()),
        "recent": _listed(mine, ContentItem.live(now), order=ContentItem.publish_at.desc()),
    }


def awaiting_review(user: User | None) -> list[ContentItem]:
    return _listed(reviewable_by(user), ContentItem.status == "submitted",
                   order=ContentItem.updated_at)


def display_status(item: ContentItem) -> str:
    """The status an editor needs to see: a published item may still be scheduled, or expired."""
    now = utcnow()
    if item.status == "published" and item.publish_at and item.publish_at > now:
        return "scheduled"
    if item.status == "published" and item.expires_at and item.expires_at <= now:
        return "expired"
    return item.status
