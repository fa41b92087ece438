"""Spreadsheet exports (CSV and XLSX) that a spreadsheet program can open safely.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by Excel and LibreOffice (CSV injection, OWASP); such text gets a leading apostrophe, which the
programs show as plain text. Numbers, dates and booleans are left alone. Every plugin that lets
people download a table (the CSO map, webinars, training, indicators) uses these helpers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_CELL = 32_767  # characters a spreadsheet cell may hold
# control characters an XLSX file cannot hold (openpyxl refuses them)
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

Cell = str | int | float | bool | date | datetime | None


def safe_cell(value: Any) -> Cell:
    """``value`` as a cell that is never run as a formula: text gets ``'`` before a formula sign."""
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so that Excel reads accents correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in map(safe_cell, row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value: Any) -> Cell:
    cell = safe_cell(value)
    if isinstance(cell, str):  # control characters make the file unreadable; cells have a size
        cell = ILLEGAL_CHARACTERS_RE.sub("", cell)[:XLSX_MAX_CELL]
    return cell


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]],
               title: str = "Export") -> bytes:
    """One-sheet XLSX workbook; text cells are stored as text, never as formulas."""
    from openpyxl import Workbook  # slow to import: only when someone exports

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    sheet.append([_xlsx_cell(name) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(body: bytes, filename: str, media_type: str) -> Response:
    """A response the browser saves as ``filename`` rather than displays."""
    response = Response(body, content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
