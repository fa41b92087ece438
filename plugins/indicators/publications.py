"""Publications listed with an indicator: official references from the catalogue, and documents
of the site's library (``{"library": "<slug>"}``) when this visitor may see them."""

from __future__ import annotations

from crpm_plugins.indicators.models import Indicator
from flask import url_for

from crpm_cms.plugin_api import LibraryDocument, db, localised, visible_documents, visitor


def publication_links(indicator: Indicator) -> list[tuple[str, str]]:
    """``(title, address)`` of each publication, in the catalogue's order; one query."""
    items = indicator.publications or []
    slugs = [item["library"] for item in items if item.get("library")]
    documents = {}
    if slugs:
        query = visible_documents(visitor()).where(LibraryDocument.slug.in_(slugs))
        documents = {doc.slug: doc for doc in db.session.scalars(query)}
    links = []
    for item in items:
        if item.get("library"):
            document = documents.get(item["library"])
            if document is not None:
                links.append((document.title, url_for("library.detail", slug=document.slug)))
        elif str(item.get("url", "")).startswith(("https://", "http://")):
            title = localised(item.get("title_fr"), item.get("title_en")) or item["url"]
            links.append((title, item["url"]))
    return links
