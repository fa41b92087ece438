"""Bulk import of existing productions from a CSV manifest: every row checked first, then all
rows written in one transaction, or none.

Columns: ``file,title,summary,type,countries,themes,language,year,access``; ``file`` is relative
to the manifest, ``countries`` and ``themes`` hold codes separated by ``;``. Row numbers are the
spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from crpm_cms.extensions import db
from crpm_cms.library import services
from crpm_cms.library.models import LibraryDocument
from crpm_cms.library.validation import UploadRejected, clean_name, detect_kind

COLUMNS = ("file", "title", "summary", "type", "countries", "themes", "language", "year",
           "access")
# DocumentData field → manifest column, to report a problem where the person will look.
COLUMN_OF = {"title": "title", "document_type": "type", "language": "language", "year": "year",
             "access": "access", "countries": "countries", "themes": "themes"}


@dataclass
class ManifestRow:
    number: int
    path: Path
    data: services.DocumentData
    sha256: str
    existing: LibraryDocument | None = None  # the same file is already in the library


@dataclass
class ImportPlan:
    rows: list[ManifestRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def problem(self, row: int, column: str, reason: str) -> None:
        self.problems.append(_("row %(row)s, column %(column)s: %(reason)s",
                               row=row, column=column, reason=reason))


class ImportFailed(RuntimeError):
    """A row failed while writing; everything written before it was undone."""


def codes(value: str | None, upper: bool = False) -> list[str]:
    parts = [part.strip() for part in (value or "").split(";") if part.strip()]
    return [part.upper() for part in parts] if upper else parts


def read_rows(manifest: Path, plan: ImportPlan) -> list[dict[str, str | None]]:
    """The manifest's rows as dictionaries, or problems about its header or encoding."""
    try:
        with manifest.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
            for name in missing:
                plan.problem(1, name, _("this column is missing; the header must be: %(columns)s",
                                        columns=",".join(COLUMNS)))
            return [] if missing else list(reader)
    except UnicodeDecodeError:
        plan.problems.append(_("The manifest is not UTF-8 text; save it as \"CSV UTF-8\"."))
    except csv.Error as error:
        plan.problems.append(_("The manifest is not a readable CSV file: %(error)s",
                               error=str(error)))
    return []


def row_data(number: int, row: dict[str, str | None], plan: ImportPlan) -> services.DocumentData:
    """The row's metadata; a year that is not a number is reported here, the rest later."""
    year_text = (row.get("year") or "").strip()
    year = None
    if year_text:
        if year_text.isdigit() and len(year_text) == 4:
            year = int(year_text)
        else:
            plan.problem(number, "year", _("“%(value)s” is not a year such as 2024.",
                                           value=year_text))
    return services.DocumentData(
        title=(row.get("title") or "").strip(), summary=(row.get("summary") or "").strip(),
        document_type=(row.get("type") or "").strip(),
        language=(row.get("language") or "").strip().lower()
        or current_app.config["DEFAULT_LANGUAGE"],
        year=year, access=(row.get("access") or "").strip().lower() or "public",
        countries=codes(row.get("countries"), upper=True), themes=codes(row.get("themes")))


def check_file(number: int, folder: Path, value: str, plan: ImportPlan) -> tuple[Path, str]:
    """The row's file and its SHA-256, or ``(path, "")`` with a problem reported."""
    path = folder / value.strip()
    if not value.strip():
        plan.problem(number, "file", _("the file name is missing"))
    elif not path.is_file():
        plan.problem(number, "file", _("no file “%(name)s” next to the manifest",
                                       name=value.strip()))
    else:
        try:
            clean_name(path.name)
            detect_kind(path)
            return path, services.file_digest(path)
        except UploadRejected as error:
            plan.problem(number, "file", str(error))
    return path, ""


def plan_import(manifest: Path) -> ImportPlan:
    """Check every row of ``manifest`` without writing anything."""
    plan = ImportPlan()
    first_row_of: dict[str, int] = {}
    for number, row in enumerate(read_rows(manifest, plan), start=2):
        if None in row:  # more cells than columns: a stray comma, most likely
            plan.problem(number, COLUMNS[-1], _("this row has more cells than the header"))
        path, sha256 = check_file(number, manifest.parent, row.get("file") or "", plan)
        data = row_data(number, row, plan)
        for name, reason in services.data_problems(data):
            plan.problem(number, COLUMN_OF.get(name, name), reason)
        if sha256 in first_row_of:
            plan.problem(number, "file", _("the same file as row %(row)s",
                                           row=first_row_of[sha256]))
        elif sha256:
            first_row_of[sha256] = number
        existing = db.session.scalar(select(LibraryDocument)
                                     .where(LibraryDocument.sha256 == sha256)) if sha256 else None
        plan.rows.append(ManifestRow(number, path, data, sha256, existing))
    return plan


def run_import(plan: ImportPlan) -> list[tuple[ManifestRow, LibraryDocument]]:
    """Add the new rows' documents in one transaction; on any failure nothing stays."""
    added: list[tuple[ManifestRow, LibraryDocument]] = []
    stored: list[str] = []
    current: ManifestRow | None = None
    try:
        for current in (row for row in plan.rows if row.existing is None):
            with current.path.open("rb") as stream:
                upload = FileStorage(stream=stream, filename=current.path.name)
                document = services.add_document(upload, current.data, None, commit=False)
            stored.append(document.file_name)
            added.append((current, document))
        current = None
        services.commit_added([document for _row, document in added], None)
    except Exception as error:  # undo the files too, whatever stopped the import
        db.session.rollback()
        for name in stored:
            services.remove_file(name)
        if current is not None:
            message = _("row %(row)s: %(reason)s Nothing was imported.", row=current.number,
                        reason=str(error))
        else:
            message = _("The import failed while saving: %(reason)s Nothing was imported.",
                        reason=str(error))
        raise ImportFailed(message) from error
    return added
