"""Checking values cell by cell before anything is stored — the same checks for the form, the
spreadsheet upload and the API, so each gives the same answer to the same mistake.

A row is a dictionary of raw cells by field (``country``, ``period``, a dimension code,
``value``, ``notes``, ``source``, ``evidence``, ``units``); a ``Formula`` stands for a
spreadsheet formula. Every problem names its row, its column and the reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crpm_plugins.indicators.catalogue import Dimension, dimensions_of
from crpm_plugins.indicators.models import ORDINAL_LEVELS, TOTAL, Indicator
from crpm_plugins.indicators.services import Observation, country_map
from crpm_plugins.indicators.vocabulary import column_titles, level_labels, ordinal_label
from flask_babel import gettext as _

from crpm_cms.plugin_api import Country

FIRST_YEAR = 1990
PERIOD = re.compile(r"^(\d{4})(?:\s*[-\u2013/]\s*(\d{4}))?$")
NUMBER = re.compile(r"^[+-]?(\d{1,3}([ \u00a0\u202f]\d{3})+|\d+)([.,]\d+)?$")
FORMULA_GUARD = ("'=", "'+", "'-", "'@")
MAX_NOTES, MAX_SOURCE, MAX_EVIDENCE = 2000, 500, 10


@dataclass(frozen=True)
class Formula:
    """A spreadsheet cell holding a formula instead of a value."""

    text: str


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    reason: str


@dataclass
class Plan:
    """What a file (or a request) would store, or why it cannot: nothing is written while
    ``problems`` is not empty."""

    entries: list[Observation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0

    @property
    def clean(self) -> bool:
        return not self.problems


def text_of(raw: Any) -> str:
    """A cell as trimmed text; an apostrophe our exports put before a formula sign is removed."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    return text[1:] if text.startswith(FORMULA_GUARD) else text


def lookup(choices: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """``{code or label in any language, folded: code}``."""
    table = {}
    for code, label_fr, label_en in choices:
        for key in (code, label_fr, label_en):
            table[key.casefold()] = code
    return table


class RowChecker:
    """Checks the rows of one indicator for a person allowed to enter ``allowed`` countries
    (``None``: all). ``blank_is_total``: an empty disaggregation cell means the total, as in the
    Open SDG layout; in our own spreadsheet the total is chosen explicitly."""

    def __init__(self, indicator: Indicator, allowed: set[str] | None, blank_is_total: bool,
                 titles: Mapping[str, str] | None = None) -> None:
        self.indicator = indicator
        self.allowed = allowed
        self.blank_is_total = blank_is_total
        self.titles = dict(titles or column_titles(indicator))
        self.countries: dict[str, Country] = country_map()
        self.country_lookup = lookup((c.code, c.name_fr, c.name_en)
                                     for c in self.countries.values())
        self.dimensions: list[Dimension] = dimensions_of(indicator)
        self.dimension_lookup = {d.code: lookup((v.code, v.label_fr, v.label_en)
                                                for v in d.values) for d in self.dimensions}
        self.levels = lookup((str(i), *level_labels(level))
                             for i, level in enumerate(ORDINAL_LEVELS))
        self.levels |= {level: str(i) for i, level in enumerate(ORDINAL_LEVELS)}

    # -- one row -------------------------------------------------------------------------------

    def check(self, number: int, cells: Mapping[str, Any]) -> tuple[Observation | None,
                                                                      list[Problem]]:
        problems = [Problem(number, self.titles.get(name, name),
                            _("a formula (%(formula)s): type the value itself",
                              formula=raw.text[:40]))
                    for name, raw in cells.items() if isinstance(raw, Formula)]
        formulas = {name for name, raw in cells.items() if isinstance(raw, Formula)}

        def problem(name: str, reason: str) -> None:
            if name not in formulas:  # one reason per cell: the formula is the one to fix
                problems.append(Problem(number, self.titles.get(name, name), reason))

        clean = {name: raw for name, raw in cells.items() if name not in formulas}
        country = self.country(text_of(clean.get("country")), problem)
        period, year = self.period(clean.get("period"), problem)
        breakdown = {d.code: self.dimension_value(d, text_of(clean.get(d.code)), problem)
                     for d in self.dimensions}
        value = self.value(clean.get("value"), problem)
        self.units(text_of(clean.get("units")), problem)
        notes = self.bounded(clean, "notes", MAX_NOTES, problem)
        source = self.bounded(clean, "source", MAX_SOURCE, problem)
        evidence = self.evidence(text_of(clean.get("evidence")), problem)
        if problems or country is None or period is None or value is None or year is None:
            return None, problems
        return Observation(country, period, year, {k: v for k, v in breakdown.items() if v},
                          value, notes, source, evidence), problems

    def key_columns(self) -> str:
        """The columns that identify a value, for a duplicate row."""
        names = ["country", "period", *(d.code for d in self.dimensions)]
        return ", ".join(self.titles.get(name, name) for name in names)

    # -- cells ---------------------------------------------------------------------------------

    def country(self, text: str, problem: Any) -> str | None:
        if not text:
            problem("country", _("empty: choose the country"))
            return None
        code = self.country_lookup.get(text.casefold())
        if code is None:
            problem("country", _("unknown country “%(value)s”", value=text))
            return None
        if self.allowed is not None and code not in self.allowed:
            problem("country", _("you may not enter values for %(country)s",
                                 country=self.countries[code].name))
            return None
        return code

    def period(self, raw: Any, problem: Any) -> tuple[str | None, int | None]:
        text = text_of(raw)
        match = PERIOD.match(text) if not isinstance(raw, bool | date) else None
        if not text:
            problem("period", _("empty: type the year"))
            return None, None
        if match is None:
            problem("period", _("“%(value)s” is not a year such as 2024 or a period such as "
                                "2022-2023", value=text))
            return None, None
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        latest = date.today().year
        if not (FIRST_YEAR <= first <= last <= latest):
            problem("period", _("year out of range: %(value)s is not between %(first)s and "
                                "%(last)s", value=text, first=FIRST_YEAR, last=latest))
            return None, None
        return (f"{first}" if first == last else f"{first}-{last}"), last

    def dimension_value(self, dimension: Dimension, text: str, problem: Any) -> str | None:
        if not text:
            if self.blank_is_total:
                return TOTAL
            problem(dimension.code, _("empty: choose a value from the list (“%(total)s” for "
                                      "everyone)", total=dimension.values[0].label))
            return None
        code = self.dimension_lookup[dimension.code].get(text.casefold())
        if code is None:
            problem(dimension.code, _("“%(value)s” is not one of: %(choices)s", value=text,
                                      choices=", ".join(v.label for v in dimension.values)))
        return code

    def value(self, raw: Any, problem: Any) -> float | None:
        text = text_of(raw)
        if not text:
            problem("value", _("empty: type the value, or leave the whole row out"))
            return None
        if self.indicator.value_type == "ordinal":
            level = self.levels.get(text.casefold())
            if level is None:
                choices = ", ".join(ordinal_label(level) for level in ORDINAL_LEVELS)
                problem("value", _("“%(value)s” is not one of: %(choices)s", value=text,
                                   choices=choices))
                return None
            return float(level)
        number = self.number(raw, text)
        if number is None:
            problem("value", _("text in a number column: “%(value)s”", value=text[:40]))
        elif self.indicator.value_type == "percentage" and not 0 <= number <= 100:
            problem("value", _("a percentage is between 0 and 100, not %(value)s", value=text))
            return None
        return number

    @staticmethod
    def number(raw: Any, text: str) -> float | None:
        """A number from a numeric cell, or typed as ``1 234,5`` or ``1234.5``."""
        if isinstance(raw, bool):
            return None
        if isinstance(raw, int | float):
            return float(raw) if math.isfinite(raw) else None
        if not NUMBER.match(text):
            return None
        return float(re.sub(r"[ \u00a0\u202f]", "", text).replace(",", "."))

    def units(self, text: str, problem: Any) -> None:
        indicator = self.indicator
        if text and text.casefold() not in {indicator.unit_fr.casefold(),
                                            indicator.unit_en.casefold()}:
            problem("units", _("“%(value)s” is not the unit of this indicator (%(unit)s)",
                               value=text, unit=indicator.unit))

    def bounded(self, cells: Mapping[str, Any], name: str, limit: int, problem: Any) -> str:
        text = text_of(cells.get(name))
        if len(text) > limit:
            problem(name, _("too long: at most %(max)s characters", max=limit))
        return text[:limit]

    def evidence(self, text: str, problem: Any) -> tuple[dict[str, str], ...]:
        """``Title | https://…`` links separated by new lines or `` ; ``."""
        links = []
        for part in (p.strip() for p in re.split(r"\n| ; ", text) if p.strip()):
            title, _sep, url = part.rpartition("|")
            url = url.strip()
            if not (url.startswith(("https://", "http://", "/")) and " " not in url
                    and not url.startswith("//")):
                problem("evidence", _("“%(value)s” is not a web address (https://…)",
                                      value=url[:60]))
                continue
            links.append({"title": title.strip() or url, "url": url})
        if len(links) > MAX_EVIDENCE:
            problem("evidence", _("at most %(max)s links", max=MAX_EVIDENCE))
        return tuple(links)


def plan_rows(checker: RowChecker, rows: Iterable[tuple[int, Mapping[str, Any]]]) -> Plan:
    """Check every row; a second row for the same country, period and disaggregation is a
    duplicate, whatever its value."""
    plan = Plan()
    first_row: dict[tuple[str, str, str], int] = {}
    for number, cells in rows:
        plan.rows_read += 1
        entry, problems = checker.check(number, cells)
        plan.problems += problems
        if entry is None:
            continue
        if entry.key in first_row:
            plan.problems.append(Problem(number, checker.key_columns(), _(
                "duplicate row: the same country, period and disaggregation as row %(row)s",
                row=first_row[entry.key])))
            continue
        first_row[entry.key] = number
        plan.entries.append(entry)
    if plan.problems:
        plan.entries = []
    return plan
