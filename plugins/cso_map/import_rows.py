"""Reading an import file (CSV or XLSX) and checking each cell of each row.

A row is checked column by column and every problem is kept with the row number the person sees
in their spreadsheet (the header is row 1). Text that a spreadsheet would run as a formula, HTML
markup, control characters, over-long values, bad coordinates and unknown codes are refused.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from crpm_plugins.cso_map.places import PlaceData, ProfileData, place_problems, profile_problems
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from crpm_cms.plugin_api import FORMULA_PREFIXES, SheetTooLarge, sheet_rows

REQUIRED_COLUMNS = ("name", "acronym", "kind", "country", "city", "latitude", "longitude",
                    "precision", "themes", "website", "email", "identifier_scheme", "identifier")
PROFILE_COLUMNS = ("region", "target_groups", "gender_focus", "working_languages")
MAX_ROWS = 20_000
MAX_LENGTHS = {"name": 255, "acronym": 40, "city": 120, "region": 120, "website": 255,
               "email": 254, "identifier_scheme": 200, "identifier": 600, "themes": 600,
               "target_groups": 600, "working_languages": 120}
HTML_MARKUP = re.compile(r"<\s*[A-Za-z/!?]|&[A-Za-z]+;|&#")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
SCHEME = re.compile(r"^[A-Z]{2}-[A-Z0-9_]{1,36}$")


class ImportFileError(ValueError):
    """The file cannot be read at all; the message is translated and says what to do."""


@dataclass
class RowProblem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("row %(row)s, column %(column)s: %(reason)s", row=self.row,
                 column=self.column, reason=self.reason)


@dataclass
class CheckedRow:
    """What one valid row says about its organisation."""

    number: int
    name: str
    acronym: str | None
    kind: str
    country: str
    themes: list[str]
    website: str | None
    email: str | None
    identifiers: list[tuple[str, str]]
    place: PlaceData | None
    profile: ProfileData | None
    problems: list[RowProblem] = field(default_factory=list)


# -- reading files --------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text; save it as “CSV UTF-8”.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # French spreadsheets write ";"
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(row)]
    except csv.Error as error:
        raise ImportFileError(_("The file is not a readable CSV file: %(error)s",
                                error=str(error))) from None


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:  # formulas are read as their text, so that "=…" is refused like in a CSV file
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(cell.value) for cell in row]
                for row in sheet_rows(sheet, MAX_ROWS + 1)]  # one more: "too many rows" below
    except SheetTooLarge as error:
        raise ImportFileError(str(error)) from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, ValueError,
            OSError):
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from None
    return [row for row in rows if any(cell.strip() for cell in row)]


def read_table(filename: str, content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows of a CSV or XLSX file, by column name."""
    is_xlsx = filename.lower().endswith(".xlsx") or content[:2] == b"PK"
    rows = _read_xlsx(content) if is_xlsx else _read_csv(content)
    if not rows:
        raise ImportFileError(_("The file is empty."))
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ImportFileError(_("Columns missing: %(missing)s. The first row must name the "
                                "columns: %(columns)s.", missing=", ".join(missing),
                                columns=",".join(REQUIRED_COLUMNS)))
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(_("At most %(max)s rows per file; split it.", max=MAX_ROWS))
    records = [{name: (row[index] if index < len(row) else "").strip()
                for index, name in enumerate(header) if name}
               for row in rows[1:]]
    return header, records


# -- checking cells -------------------------------------------------------------------------------


class RowChecker:
    """Checks the cells of one row against the codes the site knows, collecting problems."""

    def __init__(self, number: int, record: dict[str, str], known: dict[str, set[str]]) -> None:
        self.number, self.record, self.known = number, record, known
        self.problems: list[RowProblem] = []

    def problem(self, column: str, reason: str) -> None:
        self.problems.append(RowProblem(self.number, column, reason))

    def text(self, column: str, required: bool = False) -> str:
        value = self.record.get(column, "")
        if required and not value:
            self.problem(column, _("this column is required"))
        elif value.startswith(FORMULA_PREFIXES):
            self.problem(column, _("starts with =, +, - or @, which a spreadsheet would run as "
                                   "a formula"))
        elif CONTROL.search(value):
            self.problem(column, _("contains control characters"))
        elif HTML_MARKUP.search(value):
            self.problem(column, _("contains HTML markup; give plain text"))
        elif len(value) > MAX_LENGTHS.get(column, 255):
            self.problem(column, _("longer than %(max)s characters",
                                   max=MAX_LENGTHS.get(column, 255)))
        else:
            return value
        return ""

    def code(self, column: str, vocabulary: str, required: bool = False) -> str:
        value = self.text(column, required)
        if value and value not in self.known[vocabulary]:
            self.problem(column, _("unknown code “%(code)s”", code=value))
            return ""
        return value

    def codes(self, column: str, vocabulary: str) -> list[str]:
        values = [part.strip() for part in self.text(column).split(";") if part.strip()]
        unknown = [value for value in values if value not in self.known[vocabulary]]
        if unknown:
            self.problem(column, _("unknown code(s): %(codes)s", codes=", ".join(unknown)))
        return list(dict.fromkeys(value for value in values if value not in unknown))

    def number_in(self, column: str, limit: float) -> float | None:
        raw = self.record.get(column, "").replace(",", ".").replace("\u2212", "-")
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or abs(value) > limit:
            self.problem(column, _("not a number from -%(limit)s to %(limit)s",
                                   limit=int(limit)))
            return None
        return value

    def website(self) -> str | None:
        value = self.text("website")
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.netloc):
            self.problem("website", _("not an address starting with http:// or https://"))
            return None
        return value or None

    def email(self) -> str | None:
        value = self.text("email")
        if not value:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            self.problem("email", _("not a valid e-mail address"))
            return None

    def identifiers(self) -> list[tuple[str, str]]:
        schemes = [s.strip().upper() for s in self.text("identifier_scheme").split(";")]
        values = [v.strip() for v in self.text("identifier").split(";")]
        pairs = [(s, v) for s, v in zip(schemes, values, strict=False) if s or v]
        if len(schemes) != len(values) or any(not s or not v for s, v in pairs):
            self.problem("identifier", _("give a scheme for each identifier and an identifier "
                                         "for each scheme"))
            return []
        bad = [scheme for scheme, _value in pairs if not SCHEME.match(scheme)]
        if bad:
            self.problem("identifier_scheme", _("use an org-id.guide scheme such as SN-NINEA, "
                                                "not “%(scheme)s”", scheme=bad[0]))
            return []
        return pairs


def _place(checker: RowChecker, country: str) -> PlaceData | None:
    known_problems = len(checker.problems)
    latitude = checker.number_in("latitude", 90)
    longitude = checker.number_in("longitude", 180)
    city, region = checker.text("city"), checker.text("region")
    precision = checker.text("precision").lower()
    if not any((latitude is not None, longitude is not None, city, precision)):
        return None  # an organisation without a place: listed, not on the map
    has_point = latitude is not None and longitude is not None
    place = PlaceData(country_code=country, city=city, region=region, latitude=latitude,
                      longitude=longitude,
                      precision=precision or ("exact" if has_point else "city"))
    if country and len(checker.problems) == known_problems:  # coordinates read: check the rest
        for column, reason in place_problems(place).items():
            checker.problem(column, reason)
    return place


def _profile(checker: RowChecker) -> ProfileData | None:
    """The directory fields, or ``None`` to keep what is stored: when the file has none of
    their columns, or leaves the three empty (as the export does for a record without them)."""
    if not any(checker.record.get(column) for column in PROFILE_COLUMNS[1:]):
        return None
    profile = ProfileData(
        target_groups=checker.codes("target_groups", "target_group"),
        gender_focus=checker.text("gender_focus").lower() or "none",
        working_languages=[code.strip().lower() for code
                           in checker.text("working_languages").split(";") if code.strip()])
    for column, reason in profile_problems(profile).items():
        checker.problem(column, reason)
    return profile


def check_row(number: int, record: dict[str, str], known: dict[str, set[str]]) -> CheckedRow:
    """Every cell of one row; ``problems`` is empty when the row can be imported."""
    record = {**record, "country": record.get("country", "").upper()}
    checker = RowChecker(number, record, known)
    country = checker.code("country", "country", required=True)
    checked = CheckedRow(
        number=number, name=checker.text("name", required=True),
        acronym=checker.text("acronym") or None,
        kind=checker.code("kind", "organisation_kind", required=True), country=country,
        themes=checker.codes("themes", "theme"), website=checker.website(),
        email=checker.email(), identifiers=checker.identifiers(),
        place=_place(checker, country), profile=_profile(checker))
    checked.problems = checker.problems
    return checked
