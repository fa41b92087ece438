"""Files people download: an indicator's values as CSV in the Open SDG layout, and the XLSX
template focal points fill in (drop-down lists built from the definition). Both go through the
core's formula-safe export helpers."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from crpm_plugins.indicators.catalogue import Dimension, dimensions_of
from crpm_plugins.indicators.models import ORDINAL_LEVELS, TOTAL, Indicator, IndicatorValue
from crpm_plugins.indicators.services import Observation, country_map
from crpm_plugins.indicators.validation import FIRST_YEAR
from crpm_plugins.indicators.vocabulary import (
    VALUE_TYPE_LABELS,
    column_titles,
    file_columns,
    ordinal_label,
)
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from crpm_cms.plugin_api import csv_bytes, safe_cell

TEMPLATE_ROWS = 500  # rows the drop-down lists cover below the header


def number_cell(value: float) -> int | float:
    """``12`` rather than ``12.0``: the value as a person would type it."""
    return int(value) if float(value).is_integer() else value


def evidence_text(links: Iterable[dict[str, str]]) -> str:
    return " ; ".join(f"{link['title']} | {link['url']}" if link["title"] != link["url"]
                      else link["url"] for link in links)


# -- CSV, Open SDG layout ----------------------------------------------------------------------


def open_sdg_csv(indicator: Indicator, values: Sequence[Observation]) -> bytes:
    """``Year, Units, Country, <disaggregations>, Value, Notes, Source``: one row per value,
    codes for countries and disaggregations, an empty cell for a total (the Open SDG headline)."""
    fields = file_columns(indicator, with_units=True)
    titles = column_titles(indicator)
    found = dimensions_of(indicator)
    dimension_codes = [d.code for d in found]
    order = {d.code: {value.code: i for i, value in enumerate(d.values)} for d in found}
    ordered = sorted(values, key=lambda v: (  # the total first, then the file's order
        v.year, v.period, v.country_code,
        [order[code].get(v.dimension(code), 99) for code in dimension_codes]))
    rows = []
    for value in ordered:
        cells: dict[str, Any] = {
            "period": value.period, "units": indicator.unit_en, "country": value.country_code,
            "value": number_cell(value.value), "notes": value.notes, "source": value.source,
            "evidence": evidence_text(value.evidence)}
        for code in dimension_codes:
            cells[code] = "" if value.dimension(code) == TOTAL else value.dimension(code)
        rows.append([cells[field] for field in fields])
    return csv_bytes([titles[field] for field in fields], rows)


# -- XLSX template -----------------------------------------------------------------------------


def write_list(lists: Worksheet, column: int, title: str, items: Sequence[str]) -> str:
    """Write a drop-down's choices in a column of the lists sheet; return the range formula."""
    letter = get_column_letter(column)
    lists.cell(row=1, column=column, value=safe_cell(title))
    for row, item in enumerate(items, start=2):
        lists.cell(row=row, column=column, value=safe_cell(item))
    return f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(items) + 1}"


def add_validation(sheet: Worksheet, column: int, validation: DataValidation,
                   message: str) -> None:
    letter = get_column_letter(column)
    validation.error, validation.errorTitle = message, _("Value not allowed")
    validation.showErrorMessage = True
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def dimension_label(dimension: Dimension, code: str) -> str:
    found = dimension.value(code)
    return found.label if found else code


def template_row(indicator: Indicator, value: IndicatorValue, fields: list[str],
                 names: dict[str, str]) -> list[Any]:
    """An existing value as the template shows it: names and labels in the reader's language."""
    cells: dict[str, Any] = {
        "period": int(value.period) if value.period.isdigit() else value.period,
        "country": names[value.country_code],
        "value": (ordinal_label(ORDINAL_LEVELS[int(value.value)])
                  if indicator.value_type == "ordinal" else number_cell(value.value)),
        "notes": value.notes, "source": value.source,
        "evidence": evidence_text(value.evidence or [])}
    for dimension in dimensions_of(indicator):
        cells[dimension.code] = dimension_label(dimension, value.dimension(dimension.code))
    return [safe_cell(cells[field]) for field in fields]


def fill_lists(indicator: Indicator, sheet: Worksheet, lists: Worksheet, fields: list[str],
               countries: list[str]) -> None:
    """Drop-down lists for the country, each disaggregation and a policy status; number checks
    for the year and the value."""
    column_of = {field: index for index, field in enumerate(fields, start=1)}
    add_validation(sheet, column_of["country"], DataValidation(
        type="list", formula1=write_list(lists, 1, "Country", countries)),
        _("Choose a country from the list."))
    for offset, dimension in enumerate(dimensions_of(indicator), start=2):
        labels = [value.label for value in dimension.values]
        add_validation(sheet, column_of[dimension.code], DataValidation(
            type="list", formula1=write_list(lists, offset, dimension.column, labels)),
            _("Choose a value from the list."))
    add_validation(sheet, column_of["period"], DataValidation(
        type="whole", operator="between", formula1=str(FIRST_YEAR),
        formula2=str(date.today().year)), _("Type a year such as 2024."))
    if indicator.value_type == "ordinal":
        levels = [ordinal_label(level) for level in ORDINAL_LEVELS]
        validation = DataValidation(type="list", formula1=write_list(
            lists, len(fields) + 2, "Value", levels))
    elif indicator.value_type == "percentage":
        validation = DataValidation(type="decimal", operator="between", formula1="0",
                                    formula2="100")
    else:
        validation = DataValidation(type="decimal")
    add_validation(sheet, column_of["value"], validation, _("Type a number."))


def instructions(indicator: Indicator, sheet: Worksheet) -> None:
    lines = [
        f"{indicator.code} — {indicator.name}",
        indicator.definition,
        _("Unit: %(unit)s", unit=indicator.unit),
        _("Type of value: %(type)s", type=VALUE_TYPE_LABELS[indicator.value_type]),
        "",
        _("Fill in one row per country, year and disaggregation in the “Values” sheet."),
        _("Enter the total as its own row: choose “Total” in every disaggregation column."),
        _("A period of several years is written like 2022-2023."),
        _("Type values, not formulas. Leave out the rows you have no value for."),
        _("Upload the file on the indicator's page: the check lists every cell to correct and "
          "nothing is saved until the whole file is correct. Sending the same file again "
          "changes nothing."),
    ]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=safe_cell(line))
    sheet.column_dimensions["A"].width = 110


def xlsx_template(indicator: Indicator, values: Sequence[IndicatorValue],
                  countries: Iterable[str]) -> bytes:
    """The template for ``countries`` (those the person may fill in), with their current values
    so a corrected file can be sent back."""
    names = {code: country.name for code, country in country_map().items()}
    fields = file_columns(indicator, with_units=False)
    titles = column_titles(indicator)
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Values"
    sheet.append([titles[field] for field in fields])
    sheet.freeze_panes = "A2"
    for value in values:
        sheet.append(template_row(indicator, value, fields, names))
    for index, field in enumerate(fields, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 40 if field in (
            "notes", "source", "evidence") else 18
    lists = workbook.create_sheet("Lists")
    fill_lists(indicator, sheet, lists, fields, [names[code] for code in countries])
    instructions(indicator, workbook.create_sheet("Instructions"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
