"""The calendar in the site search: one public record per event (kind ``event``, facet ``type``
= the event kind). Titles, descriptions, speakers, places and organisers are searched; the
joining link never enters the index."""

from __future__ import annotations

from collections.abc import Iterator

from crpm_plugins.webinars.models import WebinarEvent
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crpm_cms.hookspecs import SearchDocument, SearchSource
from crpm_cms.plugin_api import db

KIND = "event"


def document(event: WebinarEvent) -> SearchDocument:
    """What the search knows of an event: public facts only."""
    words = [event.title_en if event.title_fr else "", event.description_fr,
             event.description_en, event.place,
             *(f"{speaker.name} {speaker.affiliation}" for speaker in event.speakers),
             *(organisation.name for organisation in event.organisers)]
    return SearchDocument(
        kind=KIND, key=str(event.id), title=event.title_fr or event.title_en,
        url=url_for("webinars.detail", event_id=event.id),
        text="\n".join(word for word in words if word),
        language="fr" if event.title_fr else "en",
        countries=tuple(country.code for country in event.countries),
        themes=tuple(term.code for term in event.themes), type=event.kind,
        year=event.starts_local.year, published_on=event.starts_local.date())


def all_documents() -> Iterator[SearchDocument]:
    for event in db.session.scalars(select(WebinarEvent).order_by(WebinarEvent.id)):
        yield document(event)


def one_document(key: str) -> SearchDocument | None:
    if not key.isdigit():
        return None
    event = db.session.get(WebinarEvent, int(key))
    return document(event) if event is not None else None


def source() -> SearchSource:
    """The plugin's records in the search index (``register_search_sources``)."""
    return SearchSource(KIND, _l("Event"), all_documents, one_document)
