"""The core's own records in the search index, contributed through the same hooks as a plugin's:
news, publications and static pages, library documents (with their extracted text) and
organisations. Their models are watched, so any change reaches the outbox in its transaction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import partial
from typing import Any

import nh3
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import undefer

from crpm_cms.content.models import ContentItem
from crpm_cms.extensions import db
from crpm_cms.feeds.services import document_url, item_url
from crpm_cms.hookspecs import SearchDocument, SearchSource, hookimpl
from crpm_cms.library.models import LibraryDocument
from crpm_cms.organisations.models import Organisation
from crpm_cms.search.outbox import watch_model

PAGE_ENDPOINTS = {"about": "site.about", "contact": "site.contact", "legal": "site.legal_notice",
                  "privacy": "site.privacy"}
BATCH = 500

watch_model(ContentItem, kind=lambda item: item.kind, ignore=("version", "updated_at"))
watch_model(LibraryDocument, kind="document", ignore=("download_count",))
watch_model(Organisation, kind="organisation", ignore=("updated_at",))


def plain_text(html: str) -> str:
    """Visible text of sanitised HTML, for indexing."""
    return " ".join(nh3.clean(html.replace("<", " <"), tags=set()).split())


def _page_url(item: ContentItem) -> str:
    base, _, language = item.slug.partition("-")
    endpoint = PAGE_ENDPOINTS.get(base, "site.home")
    return url_for(endpoint, lang=language) if language else url_for(endpoint)


def content_document(item: ContentItem) -> SearchDocument | None:
    """A published item, found from ``publish_at`` until ``expires_at`` (checked at query time)."""
    if item.status != "published" or item.publish_at is None:
        return None
    url = _page_url(item) if item.kind == "page" else item_url(item.kind, item.slug)
    return SearchDocument(
        kind=item.kind, key=str(item.id), title=item.title, url=url,
        text=f"{plain_text(item.summary)}\n{plain_text(item.body_html)}",
        language=item.language, countries=(item.country_code,) if item.country_code else (),
        themes=tuple(term.code for term in item.themes), year=item.publish_at.year,
        published_on=item.publish_at.date(), type=item.document_type or "",
        visible_from=item.publish_at, visible_until=item.expires_at,
    )


def library_document(document: LibraryDocument) -> SearchDocument | None:
    if not document.published:
        return None
    created: datetime = document.created_at
    return SearchDocument(
        kind="document", key=str(document.id), title=document.title,
        url=document_url(document.slug), text=f"{document.summary}\n{document.text or ''}",
        language=document.language, countries=tuple(c.code for c in document.countries),
        themes=tuple(term.code for term in document.themes), year=document.year,
        access="members" if document.access == "members" else "public",
        published_on=created.date(), type=document.document_type,
    )


def organisation_document(organisation: Organisation) -> SearchDocument:
    countries = {organisation.country_code, *(c.code for c in organisation.countries)}
    title = organisation.name
    if organisation.acronym:
        title = f"{organisation.name} ({organisation.acronym})"
    return SearchDocument(
        kind="organisation", key=str(organisation.id), title=title,
        url=url_for("organisations.detail", slug=organisation.slug),
        text=f"{organisation.description_fr}\n{organisation.description_en}",
        countries=tuple(sorted(countries)), themes=tuple(term.code for term in organisation.themes),
        access="members" if organisation.visibility == "members" else "public",
        published_on=organisation.created_at.date(), type=organisation.kind,
    )


def _batches(query: Select[Any]) -> Iterator[Any]:
    """Rows in batches, with the session cleared between them so memory stays flat."""
    last = 0
    model = query.column_descriptions[0]["entity"]
    while True:
        rows = db.session.scalars(query.where(model.id > last).order_by(model.id)
                                  .limit(BATCH)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        db.session.expunge_all()


def _published_content(kind: str) -> Iterator[SearchDocument]:
    query = select(ContentItem).where(ContentItem.status == "published", ContentItem.kind == kind)
    for item in _batches(query):
        if (found := content_document(item)) is not None:
            yield found


def _content(kind: str, key: str) -> SearchDocument | None:
    item = db.session.get(ContentItem, int(key)) if key.isdigit() else None
    return content_document(item) if item and item.kind == kind else None


def _library_documents() -> Iterator[SearchDocument]:
    documents = select(LibraryDocument).options(undefer(LibraryDocument.text)) \
        .where(LibraryDocument.published.is_(True))
    for document in _batches(documents):
        if (found := library_document(document)) is not None:
            yield found


def _library_document(key: str) -> SearchDocument | None:
    document = db.session.get(LibraryDocument, int(key),
                              options=[undefer(LibraryDocument.text)]) if key.isdigit() else None
    return library_document(document) if document else None


def _organisations() -> Iterator[SearchDocument]:
    return (organisation_document(organisation)
            for organisation in _batches(select(Organisation)))


def _organisation(key: str) -> SearchDocument | None:
    organisation = db.session.get(Organisation, int(key)) if key.isdigit() else None
    return organisation_document(organisation) if organisation else None


@hookimpl
def register_search_sources() -> list[SearchSource]:
    content = [SearchSource(kind, label, partial(_published_content, kind), partial(_content, kind))
               for kind, label in (("news", _l("News")), ("publication", _l("Publication")),
                                   ("page", _l("Page")))]
    return [*content,
            SearchSource("document", _l("Library document"), _library_documents,
                         _library_document),
            SearchSource("organisation", _l("Organisation"), _organisations, _organisation)]
