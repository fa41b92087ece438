"""The rules of the indicators plugin: who may enter values for which country, how values are
stored (one row per country x period x disaggregation, the total included), reporting statuses.
The only code that writes values and statuses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from crpm_plugins.indicators.models import (
    STATUSES,
    TOTAL,
    Framework,
    Indicator,
    IndicatorValue,
    ReportingStatus,
)
from flask import g, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crpm_cms.plugin_api import Country, User, can, countries_for, db, record_action, utcnow

ENTER = "indicators.enter"  # the permission of focal points, scoped by country
STATUS_LABELS = {
    "complete": _l("Complete"),
    "in_progress": _l("In progress"),
    "not_started": _l("Not started"),
    "not_applicable": _l("Not applicable"),
}


class IndicatorError(ValueError):
    """A change that cannot be made; the message is translated and meant for the user."""


# -- reading -----------------------------------------------------------------------------------


def all_indicators() -> list[Indicator]:
    return list(db.session.scalars(select(Indicator).order_by(Indicator.position, Indicator.code)))


def indicator_by_code(code: str) -> Indicator | None:
    return db.session.scalar(select(Indicator).where(Indicator.code == code))


def all_frameworks() -> list[Framework]:
    return list(db.session.scalars(select(Framework).order_by(Framework.position)))


def framework_by_code(code: str) -> Framework | None:
    return db.session.scalar(select(Framework).where(Framework.code == code))


def indicators_of(framework: Framework) -> list[Indicator]:
    target_ids = {target.id for target in framework.targets}
    return [indicator for indicator in all_indicators()
            if any(target.id in target_ids for target in indicator.targets)]


def country_map() -> dict[str, Country]:
    """Countries by code, in the order of their name in the visitor's language (read once per
    request: every table and chart of a page asks for them)."""
    cache_key = f"indicators_countries_{get_locale()}"
    if has_request_context() and cache_key in g:
        return g.get(cache_key)
    countries = sorted(db.session.scalars(select(Country)), key=lambda country: country.name)
    found = {country.code: country for country in countries}
    if has_request_context():
        setattr(g, cache_key, found)
    return found


@dataclass(frozen=True)
class Observation:
    """One value: read from ``indicators_values``, computed from registrations, or checked and
    ready to store (``validation.py`` checks it first)."""

    country_code: str
    period: str
    year: int
    breakdown: dict[str, str]
    value: float
    notes: str = ""
    source: str = ""
    evidence: tuple[dict[str, str], ...] = ()

    def dimension(self, code: str) -> str:
        return self.breakdown.get(code, TOTAL)

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies a stored value: country, period and disaggregation."""
        return self.country_code, self.period, breakdown_key(self.breakdown)


def observations(indicator: Indicator) -> list[Observation]:
    """Every value of an indicator, oldest period first; computed series ask registrations."""
    if indicator.computed:
        from crpm_plugins.indicators.participation import participation_series

        return participation_series(indicator)
    rows = db.session.scalars(select(IndicatorValue)
                              .where(IndicatorValue.indicator_id == indicator.id)
                              .order_by(IndicatorValue.year, IndicatorValue.period,
                                        IndicatorValue.country_code, IndicatorValue.breakdown_key))
    return [Observation(row.country_code, row.period, row.year, dict(row.breakdown or {}),
                        row.value, row.notes, row.source, tuple(row.evidence or ()))
            for row in rows]


def stored_values(indicator: Indicator, countries: set[str] | None = None) -> list[IndicatorValue]:
    query = select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id)
    if countries is not None:
        query = query.where(IndicatorValue.country_code.in_(countries))
    return list(db.session.scalars(query.order_by(
        IndicatorValue.country_code, IndicatorValue.year.desc(), IndicatorValue.period,
        IndicatorValue.breakdown_key)))


# -- who may enter what ------------------------------------------------------------------------


def may_enter(user: User | None, country: str | None = None) -> bool:
    """Focal points enter values for their own countries; admins for every country."""
    return can(user, ENTER, country)


def entry_countries(user: User | None) -> set[str] | None:
    """Countries whose values ``user`` may change: ``None`` for all, empty for none."""
    return countries_for(user, ENTER)


# -- writing values ----------------------------------------------------------------------------


def breakdown_key(breakdown: dict[str, str]) -> str:
    """``"age=Y15T24;sex=F"``: the non-total dimensions, sorted; ``""`` for the total."""
    return ";".join(f"{code}={value}" for code, value in sorted(breakdown.items())
                    if value != TOTAL)


@dataclass
class SaveResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    changed_keys: list[tuple[str, str, str]] = field(default_factory=list)


def _same(row: IndicatorValue, entry: Observation) -> bool:
    return (row.value == entry.value and row.notes == entry.notes
            and row.source == entry.source and list(row.evidence or []) == list(entry.evidence))


def save_entries(indicator: Indicator, entries: Sequence[Observation],
                 actor: User | None) -> SaveResult:
    """Add or update checked values in one transaction; identical values are left untouched,
    so sending the same file twice changes nothing."""
    if indicator.computed:
        raise IndicatorError(_l("This series is computed from registrations; "
                                "its values cannot be entered."))
    if actor is not None and any(not may_enter(actor, e.country_code) for e in entries):
        raise IndicatorError(_l("You may not enter values for this country."))
    countries = {entry.country_code for entry in entries}
    existing = {(row.country_code, row.period, row.breakdown_key): row
                for row in stored_values(indicator, countries)} if countries else {}
    result = SaveResult()
    for entry in entries:
        row = existing.get(entry.key)
        if row is not None and _same(row, entry):
            result.unchanged += 1
            continue
        if row is None:
            row = IndicatorValue(indicator_id=indicator.id, country_code=entry.country_code,
                                 period=entry.period, breakdown_key=entry.key[2])
            db.session.add(row)
            existing[entry.key] = row
            result.added += 1
        else:
            result.changed += 1
        row.year, row.breakdown, row.value = entry.year, {
            code: value for code, value in entry.breakdown.items() if value != TOTAL}, entry.value
        row.notes, row.source, row.evidence = entry.notes, entry.source, list(entry.evidence)
        row.updated_at, row.updated_by_id = utcnow(), actor.id if actor else None
        result.changed_keys.append(entry.key)
    if result.added or result.changed:
        db.session.flush()
        record_action(actor.id if actor else None, "indicators.values_saved", "indicator",
                      indicator.id, added=result.added, changed=result.changed,
                      countries=sorted({key[0] for key in result.changed_keys}))
    db.session.commit()
    return result


def delete_value(value: IndicatorValue, actor: User) -> None:
    if not may_enter(actor, value.country_code):
        raise IndicatorError(_l("You may not enter values for this country."))
    record_action(actor.id, "indicators.value_deleted", "indicator", value.indicator_id,
                  country=value.country_code, period=value.period,
                  breakdown=value.breakdown_key, value=value.value)
    db.session.delete(value)
    db.session.commit()


# -- reporting status --------------------------------------------------------------------------


def declared_statuses(indicators: Iterable[Indicator]) -> dict[tuple[int, str], str]:
    ids = [indicator.id for indicator in indicators]
    rows = db.session.execute(select(ReportingStatus.indicator_id, ReportingStatus.country_code,
                                     ReportingStatus.status)
                              .where(ReportingStatus.indicator_id.in_(ids)))
    return {(indicator_id, country): status for indicator_id, country, status in rows}


def countries_with_values(indicators: Iterable[Indicator]) -> set[tuple[int, str]]:
    ids = [indicator.id for indicator in indicators]
    rows = db.session.execute(select(IndicatorValue.indicator_id, IndicatorValue.country_code)
                              .where(IndicatorValue.indicator_id.in_(ids)).distinct())
    return {(indicator_id, country) for indicator_id, country in rows}


def status_table(indicators: Sequence[Indicator]) -> dict[tuple[int, str], str]:
    """Status of each (indicator, country): the one declared, else "in progress" once a value
    exists, else "not started". Two queries whatever the number of indicators."""
    declared = declared_statuses(indicators)
    with_values = countries_with_values(indicators)
    table = {}
    for indicator in indicators:
        for country in country_map():
            key = (indicator.id, country)
            table[key] = declared.get(key) or (
                "in_progress" if key in with_values else "not_started")
    return table


def set_status(indicator: Indicator, country: str, status: str, actor: User | None) -> None:
    """Declare a status; ``actor`` is ``None`` for the command line and the demo data."""
    if status not in STATUSES:
        raise IndicatorError(_l("Choose a status from the list."))
    if actor is not None and not may_enter(actor, country):
        raise IndicatorError(_l("You may not enter values for this country."))
    row = db.session.scalar(select(ReportingStatus).where(
        ReportingStatus.indicator_id == indicator.id, ReportingStatus.country_code == country))
    if row is None:
        row = ReportingStatus(indicator_id=indicator.id, country_code=country)
        db.session.add(row)
    row.status, row.updated_at = status, utcnow()
    row.updated_by_id = actor.id if actor else None
    db.session.flush()
    record_action(actor.id if actor else None, "indicators.status_set", "indicator",
                  indicator.id, country=country, status=status)
    db.session.commit()
