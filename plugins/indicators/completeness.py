"""How complete each country's reporting is, disaggregations included (the gender lens).

For every indicator that applies to the country (not declared "not applicable", not computed
from registrations), the expected values of its latest period with data are the total plus one
value for each category of each expected disaggregation — for sex x age: total, women, men and
the four age groups, 7 values. An indicator without any value counts all its expected values as
missing. The score is the share of expected values that are present.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from crpm_plugins.indicators.catalogue import dimensions_of
from crpm_plugins.indicators.models import Indicator, IndicatorValue
from crpm_plugins.indicators.services import breakdown_key, country_map, declared_statuses
from flask_babel import gettext as _
from sqlalchemy import select

from crpm_cms.plugin_api import Country, db


@dataclass
class IndicatorGaps:
    indicator: Indicator
    period: str | None  # the latest period with a value; None when nothing was entered
    expected: int
    missing: list[str]

    @property
    def present(self) -> int:
        return self.expected - len(self.missing)


@dataclass
class CountryCompleteness:
    country: Country
    items: list[IndicatorGaps] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(item.expected for item in self.items)

    @property
    def present(self) -> int:
        return sum(item.present for item in self.items)

    @property
    def score(self) -> float | None:
        """Percentage of expected values present, to one decimal; ``None`` if none expected."""
        return round(100 * self.present / self.expected, 1) if self.expected else None


def expected_values(indicator: Indicator) -> list[tuple[str, str]]:
    """``(breakdown key, label)`` of every value a complete period of this indicator has."""
    items = [("", _("Total"))]
    for dimension in dimensions_of(indicator):
        items += [(breakdown_key({dimension.code: value.code}),
                   _("%(dimension)s: %(value)s", dimension=dimension.label, value=value.label))
                  for value in dimension.parts()]
    return items


def latest_keys(indicators: Sequence[Indicator], countries: Sequence[str]
                ) -> dict[tuple[int, str], tuple[str, set[str]]]:
    """``(indicator id, country) → (latest period, breakdown keys present in it)``, one query."""
    rows = db.session.execute(
        select(IndicatorValue.indicator_id, IndicatorValue.country_code, IndicatorValue.year,
               IndicatorValue.period, IndicatorValue.breakdown_key)
        .where(IndicatorValue.indicator_id.in_([i.id for i in indicators]),
               IndicatorValue.country_code.in_(countries)))
    by_period: dict[tuple[int, str], dict[tuple[int, str], set[str]]] = defaultdict(
        lambda: defaultdict(set))
    for indicator_id, country, year, period, key in rows:
        by_period[(indicator_id, country)][(year, period)].add(key)
    latest = {}
    for pair, periods in by_period.items():
        newest = max(periods)
        latest[pair] = (newest[1], periods[newest])
    return latest


def completeness(indicators: Sequence[Indicator], countries: Sequence[str] | None = None
                 ) -> list[CountryCompleteness]:
    """The report for ``countries`` (default: all), in the order of their names."""
    known = country_map()
    codes = [code for code in known if countries is None or code in countries]
    measured = [indicator for indicator in indicators if not indicator.computed]
    statuses = declared_statuses(measured)
    latest = latest_keys(measured, codes)
    report = []
    for code in codes:
        country = CountryCompleteness(known[code])
        for indicator in measured:
            if statuses.get((indicator.id, code)) == "not_applicable":
                continue
            expected = expected_values(indicator)
            period, present = latest.get((indicator.id, code), (None, set()))
            missing = [label for key, label in expected if key not in present]
            country.items.append(IndicatorGaps(indicator, period, len(expected), missing))
        report.append(country)
    return report
