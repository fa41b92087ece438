"""Indicators in the site's search: one record per indicator, found by its names, definitions
and methods in both languages, its framework targets and the countries that reported values.

A change of a definition or of any value re-indexes the indicator in the same transaction
(``watch_model``: the core's outbox), so search follows what the pages show.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from crpm_plugins.indicators.models import Indicator, IndicatorValue
from crpm_plugins.indicators.vocabulary import VALUE_TYPE_LABELS
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from crpm_cms.hookspecs import SearchDocument, SearchSource
from crpm_cms.plugin_api import db, watch_model

KIND = "indicator"

watch_model(Indicator, kind=KIND)
watch_model(IndicatorValue, kind=KIND, key=lambda row: str(row.indicator_id))


def reported(indicator_ids: list[int]) -> dict[int, tuple[set[str], int | None, datetime | None]]:
    """Countries with values, latest year and latest change of each indicator, one query."""
    rows = db.session.execute(
        select(IndicatorValue.indicator_id, IndicatorValue.country_code,
               func.max(IndicatorValue.year), func.max(IndicatorValue.updated_at))
        .where(IndicatorValue.indicator_id.in_(indicator_ids))
        .group_by(IndicatorValue.indicator_id, IndicatorValue.country_code))
    found: dict[int, tuple[set[str], int | None, datetime | None]] = {}
    for indicator_id, country, year, changed in rows:
        countries, latest, last_change = found.get(indicator_id, (set(), None, None))
        countries.add(country)
        found[indicator_id] = (countries, max(year, latest or year),
                               max(changed, last_change or changed))
    return found


def indicator_document(indicator: Indicator, countries: set[str], year: int | None,
                       changed: datetime | None) -> SearchDocument:
    targets = " ".join(f"{t.framework.short_fr} {t.framework.short_en} {t.code} {t.label_fr} "
                       f"{t.label_en}" for t in indicator.targets)
    text = "\n".join([indicator.code, indicator.name_en, indicator.definition_fr,
                      indicator.definition_en, indicator.method_fr, indicator.method_en,
                      indicator.unit_fr, indicator.unit_en, indicator.sources_fr,
                      indicator.sources_en, targets])
    gcm = tuple(t.code for t in indicator.targets if t.framework.code == "gcm")
    return SearchDocument(
        kind=KIND, key=str(indicator.id), title=f"{indicator.code} · {indicator.name_fr}",
        url=url_for("indicators.indicator", code=indicator.code), text=text, language="fr",
        countries=tuple(sorted(countries)), themes=("policy_monitoring", *gcm), year=year,
        published_on=changed.date() if changed else date.today(), type=indicator.value_type)


def all_documents() -> Iterator[SearchDocument]:
    indicators = list(db.session.scalars(select(Indicator).order_by(Indicator.id)))
    facts = reported([indicator.id for indicator in indicators])
    for indicator in indicators:
        yield indicator_document(indicator, *facts.get(indicator.id, (set(), None, None)))


def one_document(key: str) -> SearchDocument | None:
    if not key.isdigit():
        return None
    indicator = db.session.get(Indicator, int(key))
    if indicator is None:
        return None
    return indicator_document(indicator, *reported([indicator.id]).get(
        indicator.id, (set(), None, None)))


def source() -> SearchSource:
    """The plugin's records in the search index (``register_search_sources``)."""
    return SearchSource(KIND, _l("Indicator"), all_documents, one_document,
                        type_labels=VALUE_TYPE_LABELS)
