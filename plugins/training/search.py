"""Open trainings in the site's search: one public record per published training, found only
while it accepts applications (its window is the record's visibility window, compared with the
clock at query time, so a training leaves the results when applications close — no job needed).

Every change of a training or of its sessions re-indexes it in the same transaction
(``watch_model``: the core's search outbox).
"""

from __future__ import annotations

from collections.abc import Iterator

from crpm_plugins.training.models import Training, TrainingSession
from crpm_plugins.training.services import API_OPTIONS
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crpm_cms.hookspecs import SearchDocument, SearchSource
from crpm_cms.plugin_api import db, watch_model

KIND = "training"

watch_model(Training, kind=KIND)
watch_model(TrainingSession, kind=KIND, key=lambda row: str(row.training_id))


def training_document(training: Training) -> SearchDocument | None:
    """The search record of a training; ``None`` for a draft, which nobody may find."""
    if not training.published:
        return None
    places = " ".join(f"{s.place} {s.trainers}" for s in training.sessions)
    text = "\n".join([training.title_en, training.description_fr, training.description_en,
                      training.objectives_fr, training.objectives_en, training.prerequisites_fr,
                      training.prerequisites_en, places])
    countries = {c.code for c in training.target_countries}
    if training.country_code:
        countries.add(training.country_code)
    start = training.first_start or training.created_at
    return SearchDocument(
        kind=KIND, key=str(training.id), title=training.title_fr,
        url=url_for("training.detail", training_id=training.id), text=text, language="fr",
        countries=tuple(sorted(countries)), themes=tuple(t.code for t in training.themes),
        type=training.kind, year=start.year, published_on=start.date(), access="public",
        visible_from=training.applications_open_at,
        visible_until=training.applications_close_at)


def all_documents() -> Iterator[SearchDocument]:
    query = select(Training).where(Training.published).options(*API_OPTIONS)
    for training in db.session.scalars(query.order_by(Training.id)):
        document = training_document(training)
        if document is not None:
            yield document


def one_document(key: str) -> SearchDocument | None:
    if not key.isdigit():
        return None
    training = db.session.get(Training, int(key))
    return training_document(training) if training else None


def source() -> SearchSource:
    """The plugin's records in the search index (``register_search_sources``)."""
    return SearchSource(KIND, _l("Training"), all_documents, one_document)
