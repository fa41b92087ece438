"""``crpm library import MANIFEST.csv [--dry-run]``: every row checked first and reported by its
spreadsheet row number, all or nothing, and no duplicates when run again."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.library import importing
from crpm_cms.library.models import LibraryDocument
from tests.files import samples
from tests.files.library import document_count, stored_files

HEADER = ["file", "title", "summary", "type", "countries", "themes", "language", "year",
          "access"]


@pytest.fixture
def app(make_app) -> Flask:  # noqa: ANN001
    """Messages of the command in English, whatever the catalogue says in French."""
    return make_app(DEFAULT_LANGUAGE="en")


def write_manifest(folder: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    manifest = folder / "manifest.csv"
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return manifest


@pytest.fixture
def productions(tmp_path: Path) -> Path:
    """A folder of real files as the network has them, with a valid manifest."""
    folder = tmp_path / "productions"
    (folder / "notes").mkdir(parents=True)
    (folder / "diagnostic.pdf").write_bytes(samples.pdf_with_text("Diagnostic Sénégal"))
    (folder / "notes" / "note.docx").write_bytes(samples.docx_file("Note sur les diasporas"))
    (folder / "capitalisation.odt").write_bytes(samples.odt_file())
    write_manifest(folder, [
        ["diagnostic.pdf", "Diagnostic national du Sénégal", "Un état des lieux.", "diagnostic",
         "SN", "governance;1", "fr", "2023", "public"],
        ["notes/note.docx", "Note de positionnement", "", "position_note", "SN;CI;FR",
         "diaspora", "fr", "2024", "members"],
        ["capitalisation.odt", "Capitalisation of experience", "", "capitalisation", "",
         "", "en", "", ""],
    ])
    return folder


def run(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["library", "import", *args])


def test_a_valid_manifest_imports_every_document(app, productions):
    result = run(app, str(productions / "manifest.csv"))
    assert result.exit_code == 0, result.output
    assert "row 2: created “Diagnostic national du Sénégal”" in result.output
    assert "3 document(s) created, 0 already present." in result.output
    assert document_count(app) == 3 and len(stored_files(app)) == 3
    with app.app_context():
        note = db.session.scalar(select(LibraryDocument)
                                 .where(LibraryDocument.title == "Note de positionnement"))
        assert sorted(country.code for country in note.countries) == ["CI", "FR", "SN"]
        assert [term.code for term in note.themes] == ["diaspora"]
        assert (note.access, note.year, note.original_name) == ("members", 2024, "note.docx")
        assert "Note sur les diasporas" in note.text
        diagnostic = db.session.scalar(select(LibraryDocument)
                                       .where(LibraryDocument.document_type == "diagnostic"))
        assert sorted(term.code for term in diagnostic.themes) == ["1", "governance"]
        odt = db.session.scalar(select(LibraryDocument).where(LibraryDocument.language == "en"))
        assert (odt.access, odt.year, odt.text_status) == ("public", None, "extracted")


def test_running_it_again_duplicates_nothing(app, productions):
    assert run(app, str(productions / "manifest.csv")).exit_code == 0
    result = run(app, str(productions / "manifest.csv"))
    assert result.exit_code == 0, result.output
    assert result.output.count("already present as") == 3
    assert "0 document(s) created, 3 already present." in result.output
    assert document_count(app) == 3 and len(stored_files(app)) == 3


def test_a_dry_run_reports_and_writes_nothing(app, productions):
    result = run(app, str(productions / "manifest.csv"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "row 4: would be created: “Capitalisation of experience”" in result.output
    assert "Dry run: 3 document(s) would be created, 0 already present." in result.output
    assert document_count(app) == 0 and stored_files(app) == []


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_written(app, productions):
    (productions / "programme.pdf").write_bytes(samples.ELF)
    (productions / "copie.pdf").write_bytes((productions / "diagnostic.pdf").read_bytes())
    good = ["diagnostic.pdf", "Bon", "", "study", "SN", "governance", "fr", "2020", "public"]
    manifest = write_manifest(productions, [
        good,
        ["absent.pdf", "Fichier absent", "", "study", "SN", "", "fr", "2020", "public"],
        ["notes/note.docx", "Type inconnu", "", "brochure", "SN", "", "fr", "2020", "public"],
        ["capitalisation.odt", "Pays inconnu", "", "study", "SN;XX", "gender;99", "de", "20x0",
         "secret"],
        ["programme.pdf", "Exécutable", "", "study", "", "", "fr", "", ""],
        ["copie.pdf", "Copie", "", "study", "", "", "fr", "", ""],
        ["", "", "", "study", "", "", "fr", "", ""],
    ])
    result = run(app, str(manifest))
    assert result.exit_code == 1
    for expected in [
        "row 3, column file: no file “absent.pdf” next to the manifest",
        "row 4, column type: Unknown document type “brochure”.",
        "row 5, column countries: Unknown country code(s): XX.",
        "row 5, column themes: Unknown theme code(s): 99.",
        "row 5, column language: Unknown language “de”; use one of: fr, en.",
        "row 5, column year: “20x0” is not a year such as 2024.",
        "row 5, column access: Access must be “public” or “members”, not “secret”.",
        "row 6, column file: This file is a program, not a document; it is refused.",
        "row 7, column file: the same file as row 2",
        "row 8, column file: the file name is missing",
        "row 8, column title: A title is required.",
        "Nothing was imported: 11 problem(s) to correct in the manifest.",
    ]:
        assert expected in result.output, (expected, result.output)
    assert "row 2," not in result.output
    assert document_count(app) == 0 and stored_files(app) == []


def test_a_manifest_without_the_expected_columns_is_refused(app, productions):
    manifest = write_manifest(productions, [["diagnostic.pdf", "Titre"]], header=["file", "title"])
    result = run(app, str(manifest))
    assert result.exit_code == 1
    assert "row 1, column access: this column is missing" in result.output
    assert document_count(app) == 0


def test_a_manifest_that_is_not_utf8_is_refused(app, productions):
    manifest = productions / "latin1.csv"
    manifest.write_bytes(",".join(HEADER).encode() + "\nété.pdf,Été".encode("latin-1"))
    result = run(app, str(manifest))
    assert result.exit_code == 1
    assert "The manifest is not UTF-8 text" in result.output


def test_a_failure_while_writing_undoes_every_row(app, productions):
    """A file that disappears between the check and the write: the rows before it go too."""
    with app.test_request_context("/?lang=en"):
        plan = importing.plan_import(productions / "manifest.csv")
        assert not plan.problems
        (productions / "capitalisation.odt").unlink()
        with pytest.raises(importing.ImportFailed, match=r"row 4: .*Nothing was imported\."):
            importing.run_import(plan)
    assert document_count(app) == 0 and stored_files(app) == []
