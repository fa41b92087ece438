"""Ready-made series from the core registration service: people who attended the network's
events or trainings, by year, country and sex — aggregates only.

Every figure comes from one breakdown (year x country x sex) in which the service has already
merged the groups of fewer than three people into "other". The total of a country is the sum of
the groups it publishes, so subtracting women and men from it can never reveal a small group.
"""

from __future__ import annotations

from collections import Counter

from crpm_plugins.indicators.models import TOTAL, Indicator
from crpm_plugins.indicators.services import Observation, country_map

from crpm_cms.plugin_api import participation_statistics

SEXES = {"woman": "F", "man": "M"}  # the account's self-declared gender → the SDMX sex code


def participation_series(indicator: Indicator) -> list[Observation]:
    """The indicator's series: ``series = {"participation": [owners], "states": [...]}``."""
    owners = indicator.series.get("participation") or []
    states = tuple(indicator.series.get("states") or ("attended", "certified"))
    countries = country_map()
    counts: Counter[tuple[str, str, str]] = Counter()
    for owner in owners:
        for row in participation_statistics(owner, states=states, by=("year", "country", "sex")):
            year, country = str(row["year"]), str(row["country"])
            if row.get("merged") or country not in countries:
                continue  # the merged small groups and undeclared countries belong to no country
            number = int(row["count"])
            counts[(year, country, TOTAL)] += number
            if row["sex"] in SEXES:
                counts[(year, country, SEXES[str(row["sex"])])] += number
    return [Observation(country, year, int(year), {} if sex == TOTAL else {"sex": sex},
                        float(number))
            for (year, country, sex), number in sorted(
                counts.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] != TOTAL,
                                                  item[0][2]))]
