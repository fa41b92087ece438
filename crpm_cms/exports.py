"""Spreadsheet exports (CSV and XLSX) that a spreadsheet program can open safely.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by Excel and LibreOffice (CSV injection, OWASP); such text gets a leading apostrophe, which the
programs show as plain text. Numbers, dates and booleans are left alone. Every plugin that lets
people download a table (the CSO map, webinars, training, indicators) uses these helpers.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from flask import Response
from flask_babel import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_CELL = 32_767  # characters a spreadsheet cell may hold
# control characters an XLSX file cannot hold (openpyxl refuses them)
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
CSV_QUOTED = re.compile(r'[,;"\r\n]')
SHEET_TITLE_REFUSES = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
CONTROL_OR_LINE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")

Cell = str | int | float | bool | date | datetime | None
MAX_SHEET_COLUMNS = 200  # far more than any import has; a sheet may declare 16,384


class SheetTooLarge(ValueError):
    """An uploaded sheet is wider or longer than an import reads; the message says so."""


def sheet_rows(sheet: Any, max_rows: int, max_columns: int = MAX_SHEET_COLUMNS) -> Iterator[Any]:
    """The rows of a sheet opened with ``load_workbook(read_only=True)``, streamed: a header and
    at most ``max_rows`` rows, of at most ``max_columns`` cells. A sheet that declares more
    columns is refused before a row is read; ``SheetTooLarge`` once a row past the limit comes.
    """
    declared = sheet.max_column if isinstance(sheet.max_column, int) else 0
    if declared > max_columns:
        raise SheetTooLarge(_("The sheet has %(count)d columns; an import reads at most "
                              "%(max)d.", count=declared, max=max_columns))
    for number, row in enumerate(sheet.iter_rows(max_col=max_columns), start=1):
        if number > max_rows + 1:
            raise SheetTooLarge(_("At most %(max)s rows per file; split it.", max=max_rows))
        yield row


def safe_cell(value: Any) -> Cell:
    """``value`` as a cell that is never run as a formula: text gets ``'`` before a formula sign."""
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """The ``Content-Disposition`` header for ``filename`` (RFC 6266): the exact name in UTF-8
    (``filename*``) and a plain ASCII one for old clients; control characters and line breaks
    become spaces, so that any name makes a valid header."""
    name = " ".join(CONTROL_OR_LINE.sub(" ", filename).split()) or "download"
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", folded) or "download"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so that Excel reads accents correctly."""
    lines = [csv_line(map(safe_cell, header))]
    lines += [csv_line(map(safe_cell, row)) for row in rows]
    return ("\ufeff" + "".join(lines)).encode("utf-8")


def csv_line(cells: Iterable[Cell]) -> str:
    """One CSV record. A cell holding a comma, a quote, a line break or a semicolon is quoted:
    a French spreadsheet program splits a CSV file on ``;``, and must not find a formula at
    the start of a piece of a cell."""
    fields = []
    for cell in cells:
        text = "" if cell is None else str(cell)
        fields.append(f'"{text.replace(chr(34), chr(34) * 2)}"' if CSV_QUOTED.search(text)
                      else text)
    return ",".join(fields) + "\r\n"


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
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.append([_xlsx_cell(name) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(title: str) -> str:
    """``title`` as Excel accepts a sheet name: none of ``[]:*?/\\``, no control character,
    at most 31 characters, not empty."""
    cleaned = " ".join(SHEET_TITLE_REFUSES.sub(" ", title).split())
    return cleaned[:31].strip().strip("'") or "Export"


def download(body: bytes, filename: str, media_type: str) -> Response:
    """A response the browser saves as ``filename`` rather than displays.

    The name travels as RFC 6266 says: an ASCII ``filename`` for old clients and the exact
    UTF-8 ``filename*``, so that any name (a Chinese filter value, a line break) makes a valid
    header.
    """
    response = Response(body, content_type=media_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
