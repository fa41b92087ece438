"""Demo values for ``crpm demo``: several countries and years, by sex, for most indicators.

The figures are plausible orders of magnitude for illustration only, generated from a fixed seed
so that every run produces the same values (and a second run changes nothing).
"""

from __future__ import annotations

import random

from crpm_plugins.indicators import services
from crpm_plugins.indicators.services import Observation

COUNTRIES = ("SN", "CI", "GN", "CM", "MA", "TN", "MG", "KM")
YEARS = range(2019, 2025)
# code → (typical total in the first country, share of women, yearly growth)
NUMBERS = {
    "CRPM-01": (310, 0.18, 0.04), "CRPM-05": (6, 0.0, 0.05), "CRPM-06": (1450, 0.21, 0.08),
    "CRPM-07": (95, 0.62, 0.03), "CRPM-11": (82000, 0.38, 0.03), "CRPM-14": (24, 0.0, 0.1),
}
PERCENTAGES = {"CRPM-02": (38.0, -0.04), "CRPM-08": (9.6, 0.02), "CRPM-12": (27.0, 0.03)}
SOURCE = "Données de démonstration"


def _split_by_sex(code: str) -> bool:
    indicator = services.indicator_by_code(code)
    return indicator is not None and "sex" in (indicator.disaggregations or [])


def number_entries(code: str, rng: random.Random) -> list[Observation]:
    base, women, growth = NUMBERS[code]
    sexed = _split_by_sex(code)
    entries = []
    for rank, country in enumerate(COUNTRIES[:6]):
        scale = base * (1 - rank * 0.12) * rng.uniform(0.8, 1.2)
        for step, year in enumerate(YEARS):
            total = round(scale * (1 + growth) ** step * rng.uniform(0.93, 1.07))
            entries.append(Observation(country, str(year), year, {}, total, source=SOURCE))
            if sexed:
                female = round(total * women * rng.uniform(0.9, 1.1))
                entries.append(Observation(country, str(year), year, {"sex": "F"}, female,
                                          source=SOURCE))
                entries.append(Observation(country, str(year), year, {"sex": "M"},
                                          total - female, source=SOURCE))
    return entries


def percentage_entries(code: str, rng: random.Random) -> list[Observation]:
    level, trend = PERCENTAGES[code]
    sexed = _split_by_sex(code)
    entries = []
    for country in COUNTRIES[:5]:
        start = level * rng.uniform(0.6, 1.4)
        for step, year in enumerate(YEARS):
            total = round(min(99.0, start * (1 + trend) ** step * rng.uniform(0.95, 1.05)), 1)
            entries.append(Observation(country, str(year), year, {}, total, source=SOURCE))
            if sexed:
                for sex, factor in (("F", 1.15), ("M", 0.9)):
                    entries.append(Observation(country, str(year), year, {"sex": sex},
                                              round(min(99.0, total * factor), 1), source=SOURCE))
    return entries


def status_entries(rng: random.Random) -> list[Observation]:
    entries = []
    for country in COUNTRIES:
        level = rng.choice((0, 0, 1))
        for year in YEARS:
            if level < 2 and rng.random() < 0.3:
                level += 1
            entries.append(Observation(country, str(year), year, {}, float(level), source=SOURCE))
    return entries


def load_demo_values() -> None:
    """Totals are rows of their own (empty breakdown), entered like women and men."""
    rng = random.Random(2026)  # fixed: the same values on every run
    batches = [(code, number_entries(code, rng)) for code in NUMBERS]
    batches += [(code, percentage_entries(code, rng)) for code in PERCENTAGES]
    batches += [(code, status_entries(rng)) for code in ("CRPM-03", "CRPM-04", "CRPM-10",
                                                         "CRPM-13")]
    for code, entries in batches:
        indicator = services.indicator_by_code(code)
        if indicator is not None:
            services.save_entries(indicator, entries, None)
    indicator = services.indicator_by_code("CRPM-05")
    if indicator is not None:
        services.set_status(indicator, "KM", "not_applicable", None)
