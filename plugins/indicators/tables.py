"""The other tables of the plugin as CSV (``?format=csv``): a framework's reporting statuses,
a country's latest values, the completeness report. Column names in English like the Open SDG
files; codes rather than translated labels, so a file reads the same in every language."""

from __future__ import annotations

from collections.abc import Sequence

from crpm_plugins.indicators.completeness import CountryCompleteness
from crpm_plugins.indicators.exports import number_cell
from crpm_plugins.indicators.models import Framework, Indicator
from flask import Response

from crpm_cms.plugin_api import CSV_MEDIA_TYPE, Country, csv_bytes, download


def framework_statuses(framework: Framework, indicators: Sequence[Indicator],
                       statuses: dict[tuple[int, str], str], countries: Sequence[str]) -> Response:
    rows = [[i.code, i.name, *(statuses[(i.id, code)] for code in countries)]
            for i in indicators]
    return download(csv_bytes(["Code", "Indicator", *countries], rows),
                    f"{framework.code}-statuses.csv", CSV_MEDIA_TYPE)


def latest_values(country: Country, indicators: Sequence[Indicator],
                  latest: dict[int, dict[str, object]],
                  statuses: dict[tuple[int, str], str]) -> Response:
    def cell(row: dict[str, object], key: str) -> object:
        value = row.get(key)
        return number_cell(value) if isinstance(value, float) else ""

    rows = []
    for indicator in indicators:
        if indicator.computed:
            continue
        row = latest.get(indicator.id, {})
        rows.append([indicator.code, indicator.name, row.get("period", ""), cell(row, ""),
                     cell(row, "sex=F"), cell(row, "sex=M"),
                     statuses[(indicator.id, country.code)]])
    return download(csv_bytes(["Code", "Indicator", "Period", "Total", "Women", "Men", "Status"],
                              rows), f"indicators-{country.code}.csv", CSV_MEDIA_TYPE)


def completeness_report(report: Sequence[CountryCompleteness]) -> Response:
    rows = [[row.country.code, row.country.name, row.score if row.score is not None else "",
             row.present, row.expected,
             " ; ".join(f"{item.indicator.code}: {', '.join(item.missing)}"
                        for item in row.items if item.missing)] for row in report]
    return download(csv_bytes(["Country", "Name", "Score", "Present", "Expected", "Missing"],
                              rows), "completeness.csv", CSV_MEDIA_TYPE)
