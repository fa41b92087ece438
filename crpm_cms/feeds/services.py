"""Atom feeds and the sitemap: what feed readers and search engines may learn about the site.

Everything here starts from the public read-side queries (``content.queries.published`` and
``library.queries.visible_documents(None)``), so drafts, scheduled or expired items and
members-only documents can never leak into a feed or the sitemap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, SQLColumnExpression, func, select
from sqlalchemy.orm import raiseload

from crpm_cms.content.models import ContentItem
from crpm_cms.content.queries import published
from crpm_cms.extensions import db
from crpm_cms.library.models import LibraryDocument
from crpm_cms.library.queries import visible_documents
from crpm_cms.organisations import services as organisations
from crpm_cms.settings.services import get_setting
from crpm_cms.timezones import utcnow

FEED_SIZE = 30
SITEMAP_MAX_URLS = 50_000  # the sitemap protocol's limit per file; beyond it, an index
EPOCH = datetime(1970, 1, 1)

ITEM_ENDPOINTS = {"news": "content.news_item", "publication": "content.publication"}
# Pages whose address does not depend on the language (``?lang=`` variants are their versions).
NEUTRAL_PAGES = ("site.home", "content.news", "content.publications", "library.index",
                 "organisations.index", "site.about", "site.contact", "site.legal_notice",
                 "site.privacy")


# -- URLs -----------------------------------------------------------------------------------------


def item_url(kind: str, slug: str, external: bool = False) -> str:
    """The public address of a news item or a publication."""
    return url_for(ITEM_ENDPOINTS[kind], slug=slug, _external=external)


def document_url(slug: str, external: bool = False) -> str:
    return url_for("library.detail", slug=slug, _external=external)


def download_url(slug: str, external: bool = False) -> str:
    return url_for("library.download", slug=slug, _external=external)


def atom_date(moment: datetime) -> str:
    """RFC 3339 in UTC, the form Atom requires (stored datetimes are naive UTC)."""
    return moment.replace(microsecond=0).isoformat() + "Z"


# -- Atom feeds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    summary: str
    content_html: str
    url: str
    language: str
    author: str
    published: datetime
    updated: datetime
    categories: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    self_url: str
    alternate_url: str
    author: str
    entries: list[FeedEntry]

    @property
    def updated(self) -> datetime:
        return max((entry.updated for entry in self.entries), default=EPOCH)


def tag_uri(path: str, created: datetime) -> str:
    """A permanent entry id (RFC 4151) that survives a change of slug or of address scheme."""
    host = urlsplit(request.url_root).hostname
    return f"tag:{host},{created.date().isoformat()}:{path}"


def _latest_items(kind: str) -> list[ContentItem]:
    query = (published(kind).options(raiseload(ContentItem.organisations))
             .order_by(ContentItem.publish_at.desc(), ContentItem.id.desc()).limit(FEED_SIZE))
    return list(db.session.scalars(query))


def _item_entry(item: ContentItem, site_name: str) -> FeedEntry:
    assert item.publish_at is not None  # live items always have one
    return FeedEntry(
        id=tag_uri(f"{item.kind}/{item.id}", item.created_at), title=item.title,
        summary=item.summary, content_html=item.body_html,
        url=item_url(item.kind, item.slug, external=True), language=item.language,
        author=item.author.display_name if item.author else site_name,
        published=item.publish_at, updated=max(item.updated_at, item.publish_at),
        categories=[term.code for term in item.themes])


def _document_entry(document: LibraryDocument, site_name: str) -> FeedEntry:
    return FeedEntry(
        id=tag_uri(f"document/{document.id}", document.created_at), title=document.title,
        summary=document.summary, content_html="",
        url=document_url(document.slug, external=True), language=document.language,
        author=", ".join(o.name for o in document.organisations) or site_name,
        published=document.created_at, updated=max(document.updated_at, document.created_at),
        categories=[term.code for term in document.themes])


def _public_documents() -> list[LibraryDocument]:
    query = (visible_documents(None)
             .order_by(LibraryDocument.created_at.desc(), LibraryDocument.id.desc())
             .limit(FEED_SIZE))
    return list(db.session.scalars(query))


def news_feed() -> Feed:
    """The 30 latest live news items, newest first, every language (each entry says its own)."""
    site_name = get_setting("site_name")
    entries = [_item_entry(item, site_name) for item in _latest_items("news")]
    return Feed(id=url_for("feeds.news", _external=True), title=f"{site_name} · {_('News')}",
                self_url=url_for("feeds.news", _external=True),
                alternate_url=url_for("content.news", _external=True),
                author=site_name, entries=entries)


def publications_feed() -> Feed:
    """Latest live publications and public library documents together, newest first."""
    site_name = get_setting("site_name")
    entries = chain((_item_entry(item, site_name) for item in _latest_items("publication")),
                    (_document_entry(document, site_name) for document in _public_documents()))
    newest = sorted(entries, key=lambda entry: entry.published, reverse=True)[:FEED_SIZE]
    return Feed(id=url_for("feeds.publications", _external=True),
                title=f"{site_name} · {_('Publications')}",
                self_url=url_for("feeds.publications", _external=True),
                alternate_url=url_for("content.publications", _external=True),
                author=site_name, entries=newest)


# -- sitemap --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapUrl:
    loc: str
    lastmod: datetime | None
    alternates: list[tuple[str, str]]  # (hreflang, absolute URL), this URL's own included


def language_variants(url: str) -> list[tuple[str, str]]:
    """A language-neutral page in each language (``?lang=``), the plain URL as x-default."""
    separator = "&" if "?" in url else "?"
    return [*((code, f"{url}{separator}lang={code}") for code in current_app.config["LANGUAGES"]),
            ("x-default", url)]


def _neutral_pages() -> list[SitemapUrl]:
    """The home page, the lists and the static pages (those this deployment serves)."""
    pages = [url_for(endpoint, _external=True) for endpoint in NEUTRAL_PAGES
             if endpoint in current_app.view_functions]
    return [SitemapUrl(page, None, language_variants(page)) for page in pages]


def _translations(query: Select, key_column: SQLColumnExpression[str | None],
                  keys: set[str]) -> dict[str, list]:
    """Rows of ``query`` sharing one of ``keys``, grouped by translation key (one query)."""
    grouped: dict[str, list] = {}
    if keys:
        for row in db.session.execute(query.where(key_column.in_(keys))):
            grouped.setdefault(row.translation_key, []).append(row)
    return grouped


def _linked_urls(rows: list, siblings: dict[str, list],
                 url: Callable[..., str]) -> list[SitemapUrl]:
    return [SitemapUrl(url(row), row.updated_at,
                       [(other.language, url(other))
                        for other in siblings.get(row.translation_key or "", [row])])
            for row in rows]


def _content_urls(offset: int, limit: int) -> list[SitemapUrl]:
    query = _live_columns()
    rows = list(db.session.execute(query.order_by(ContentItem.id).offset(offset).limit(limit)))
    keys = {row.translation_key for row in rows if row.translation_key}
    siblings = _translations(query, ContentItem.translation_key, keys)
    return _linked_urls(rows, siblings, lambda row: item_url(row.kind, row.slug, external=True))


def _live_columns() -> Select:
    return select(ContentItem.id, ContentItem.kind, ContentItem.slug, ContentItem.language,
                  ContentItem.translation_key, ContentItem.updated_at).where(
        ContentItem.kind.in_(ITEM_ENDPOINTS), ContentItem.live(utcnow()))


def _document_columns() -> Select:
    public = visible_documents(None).subquery()
    return select(public.c.id, public.c.slug, public.c.language, public.c.translation_key,
                  public.c.updated_at)


def _document_urls(offset: int, limit: int) -> list[SitemapUrl]:
    query = _document_columns()
    column = query.selected_columns
    rows = list(db.session.execute(query.order_by(column.id).offset(offset).limit(limit)))
    keys = {row.translation_key for row in rows if row.translation_key}
    siblings = _translations(query, column.translation_key, keys)
    return _linked_urls(rows, siblings, lambda row: document_url(row.slug, external=True))


def _organisation_urls(offset: int, limit: int) -> list[SitemapUrl]:
    public = organisations.visible_to(None).subquery()
    rows = db.session.execute(select(public.c.slug, public.c.updated_at)
                              .order_by(public.c.id).offset(offset).limit(limit))
    urls = ((url_for("organisations.detail", slug=row.slug, _external=True), row.updated_at)
            for row in rows)
    return [SitemapUrl(url, updated, language_variants(url)) for url, updated in urls]


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _sections() -> list[tuple[int, Callable[[int, int], list[SitemapUrl]]]]:
    """(number of URLs, how to fetch a slice of them) for each part of the sitemap, in order."""
    pages = _neutral_pages()
    return [(len(pages), lambda offset, limit: pages[offset:offset + limit]),
            (_count(_live_columns()), _content_urls),
            (_count(_document_columns()), _document_urls),
            (_count(select(organisations.visible_to(None).subquery())), _organisation_urls)]


@dataclass(frozen=True)
class Sitemap:
    """One file of the sitemap: its URLs, or, when the site outgrows one file, the index."""

    urls: list[SitemapUrl]
    pages: int  # files in the index; 0 when ``urls`` is the whole sitemap


def sitemap(page: int | None) -> Sitemap | None:
    """The whole sitemap, the index (too many URLs, no page asked) or page ``page``; None: no
    such page."""
    sections = _sections()
    total = sum(count for count, _ in sections)
    per_file = int(current_app.config.get("SITEMAP_MAX_URLS", SITEMAP_MAX_URLS))
    pages = max(1, -(-total // per_file))
    if page is None:
        return Sitemap(_slice(sections, 0, total), 0) if pages == 1 else Sitemap([], pages)
    if not 1 <= page <= pages:
        return None
    return Sitemap(_slice(sections, (page - 1) * per_file, page * per_file), 0)


def _slice(sections: list[tuple[int, Callable[[int, int], list[SitemapUrl]]]], start: int,
           stop: int) -> list[SitemapUrl]:
    """URLs number ``start`` to ``stop`` (excluded) across the sections, fetched slice by slice."""
    found: list[SitemapUrl] = []
    for count, fetch in sections:
        if start < count and stop > 0:
            first = max(start, 0)
            found += fetch(first, min(stop, count) - first)
        start, stop = start - count, stop - count
    return found
