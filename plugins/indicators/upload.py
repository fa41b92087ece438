"""Reading a filled-in spreadsheet: our XLSX template or a CSV file in the Open SDG layout.

The file becomes numbered rows of raw cells (the header is row 1, as the spreadsheet shows it),
then ``validation.plan_rows`` checks every cell. Nothing here writes to the database.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from crpm_plugins.indicators.catalogue import dimensions_of
from crpm_plugins.indicators.models import Indicator
from crpm_plugins.indicators.validation import Formula, Plan, Problem, RowChecker, plan_rows
from crpm_plugins.indicators.vocabulary import column_titles
from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from crpm_cms.plugin_api import SheetTooLarge, sheet_rows

MAX_UPLOAD = 5 * 1024 * 1024
MAX_ROWS = 20_000
VALUES_SHEET = "Values"
ALIASES = {  # other headers people use for the same column (compared case-insensitively)
    "period": ("year", "année", "annee", "period", "période", "periode"),
    "units": ("units", "unit", "unité", "unités"),
    "country": ("country", "pays", "geocode"),
    "value": ("value", "valeur"),
    "notes": ("notes", "note", "observations", "comment_obs"),
    "source": ("source", "sources"),
    "evidence": ("evidence", "preuves", "justificatifs"),
}


class FileRefused(ValueError):
    """The whole file cannot be read; the message says what to do."""


def header_fields(indicator: Indicator) -> dict[str, str]:
    """Folded header text → field, for every column this indicator's files may have."""
    fields = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
    for dimension in dimensions_of(indicator):
        for alias in (dimension.column, dimension.code, dimension.label_fr, dimension.label_en):
            fields[alias.casefold()] = dimension.code
    return fields


def map_header(indicator: Indicator, header: list[Any], spreadsheet: bool,
               plan: Plan) -> dict[int, str]:
    """Column index → field; unknown, repeated and missing columns are problems of row 1."""
    known, titles = header_fields(indicator), column_titles(indicator)
    columns: dict[int, str] = {}
    for index, raw in enumerate(header):
        text = str(raw or "").strip()
        if not text:
            continue
        letter = get_column_letter(index + 1)
        field = known.get(text.casefold())
        if field is None or field in columns.values():
            reason = (_("this column appears twice") if field else
                      _("unknown column “%(name)s”", name=text))
            plan.problems.append(Problem(1, letter, reason))
            continue
        columns[index] = field
    required = ["period", "country", "value"]
    if spreadsheet:  # in the Open SDG layout a missing disaggregation column means the total
        required += [d.code for d in dimensions_of(indicator)]
    for field in required:
        if field not in columns.values():
            plan.problems.append(Problem(1, titles[field], _("this column is missing")))
    return columns


def xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    """The values sheet's rows, with a ``Formula`` for each formula cell."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileRefused(_("This file is not a readable XLSX workbook (%(error)s).",
                            error=str(error)[:80])) from None
    sheet = workbook[VALUES_SHEET] if VALUES_SHEET in workbook.sheetnames else workbook.active
    if sheet is None:  # no sheet at all: no rows, so read_rows calls the file empty
        workbook.close()
        return
    try:
        for row in sheet_rows(sheet, MAX_ROWS):
            yield [Formula(str(cell.value)) if cell.data_type == "f" else cell.value
                   for cell in row]
    except SheetTooLarge as error:
        raise FileRefused(str(error)) from None
    finally:
        workbook.close()


def csv_rows(data: bytes) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("This CSV file is not UTF-8 text; save it as “CSV UTF-8”.")) from None
    dialect: Any = csv.excel  # the default when the sniffer cannot tell (one column…)
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            yield [Formula(cell) if cell.strip().startswith("=") else cell for cell in row]
    except csv.Error as error:
        raise FileRefused(_("This CSV file cannot be read: %(error)s", error=str(error))) from None


def is_blank(row: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def read_rows(indicator: Indicator, data: bytes, plan: Plan
              ) -> tuple[list[tuple[int, dict[str, Any]]], bool]:
    """Numbered rows of cells by field, and whether the file is our spreadsheet (XLSX)."""
    spreadsheet = data[:4] == b"PK\x03\x04"
    source = xlsx_rows(data) if spreadsheet else csv_rows(data)
    header = next(source, None)
    if header is None or is_blank(header):
        raise FileRefused(_("The file is empty: the first row must name the columns."))
    columns = map_header(indicator, header, spreadsheet, plan)
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(source, start=2):
        if is_blank(row):
            continue
        if len(rows) >= MAX_ROWS:
            raise FileRefused(_("Too many rows: at most %(max)s per file.", max=MAX_ROWS))
        rows.append((number, {field: row[index] if index < len(row) else None
                              for index, field in columns.items()}))
    return rows, spreadsheet


def plan_upload(indicator: Indicator, data: bytes, allowed: set[str] | None) -> Plan:
    """Check a whole file for someone who may enter ``allowed`` countries (``None``: all):
    every bad cell is listed; nothing is written."""
    if len(data) > MAX_UPLOAD:
        raise FileRefused(_("The file is too large: at most %(size)s MB.",
                            size=MAX_UPLOAD // 1024 // 1024))
    header_plan = Plan()
    rows, spreadsheet = read_rows(indicator, data, header_plan)
    if header_plan.problems:
        return header_plan
    checker = RowChecker(indicator, allowed, blank_is_total=not spreadsheet)
    return plan_rows(checker, rows)
