"""Importing organisations from the network's spreadsheets: ``crpm cso_map import FILE`` and the
upload page. Every bad row is reported by row and column and nothing is stored; a good file
imported twice (as CSV or XLSX) gives the same database."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from crpm_plugins.cso_map.import_rows import REQUIRED_COLUMNS
from crpm_plugins.cso_map.places import PlaceData
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import text

from crpm_cms.plugin_api import db

from .helpers import add_organisation, csv_rows

HEADER = [*REQUIRED_COLUMNS, "region", "target_groups", "gender_focus", "working_languages"]
GOOD_ROWS = [
    ["Réseau des femmes de Kaolack", "REFEK", "network", "SN", "Kaolack", "14.15", "-16.07",
     "city", "gender;5", "https://refek.example.org", "contact@refek.example.org", "SN-NINEA",
     "0011223", "Kaolack", "women_migrants", "targeted", "fr;wo"],
    ["Réseau des femmes de Kaolack", "REFEK", "network", "SN", "Kédougou", "12.55", "-12.18",
     "exact", "", "", "", "", "", "", "", "", ""],
    ["Association ivoirienne des rapatriés", "", "cso", "ci", "Abidjan", "5,33",
     "\N{MINUS SIGN}4,02", "", "return", "", "", "", "", "", "returnees;youth", "", ""],
    ["Comité des Comoriens de Lyon", "CCL", "diaspora", "FR", "", "", "", "country",
     "diaspora", "", "", "FR-RNA", "W691234567", "", "diaspora", "none", "fr;zdj"],
    ["Association sans lieu", "", "cso", "GN", "", "", "", "", "", "", "", "", "", "", "", "",
     ""],
]
MAP_TABLES = ("organisations", "organisation_identifiers", "organisation_themes",
              "organisation_countries", "cso_map_places", "cso_map_profiles",
              "cso_map_target_groups")


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER,
              delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def run(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["cso_map", "import", *args])


def database(app: Flask) -> dict[str, list[tuple]]:
    """Every row of the tables an import touches, to compare two states of the database."""
    with app.app_context():
        return {table: sorted(tuple(map(str, row)) for row in db.session.execute(
            text(f"SELECT * FROM {table}"))) for table in MAP_TABLES}


def test_a_good_file_imports_organisations_places_and_directory_fields(
        app: Flask, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run(app, str(write_csv(tmp_path / "osc.csv", GOOD_ROWS)))
    assert result.exit_code == 0, result.output
    assert "4" in result.output
    rows = {(row["name"], row["city"]): row
            for row in csv_rows(client.get("/map/organisations.csv").data)}
    kaolack = rows[("Réseau des femmes de Kaolack", "Kaolack")]
    assert (kaolack["precision"], kaolack["latitude"]) == ("city", "14.152")  # the city's centre
    assert set(kaolack["themes"].split(";")) == {"gender", "5"}
    assert kaolack["identifier"] == "0011223"
    assert kaolack["target_groups"] == "women_migrants" and kaolack["gender_focus"] == "targeted"
    assert rows[("Réseau des femmes de Kaolack", "Kédougou")]["longitude"] == "-12.18"
    abidjan = rows[("Association ivoirienne des rapatriés", "Abidjan")]
    assert (abidjan["country"], abidjan["latitude"], abidjan["longitude"]) == ("CI", "5.33",
                                                                               "-4.02")
    lyon = next(row for (name, _city), row in rows.items() if name.startswith("Comité"))
    assert lyon["precision"] == "country" and lyon["city"] == ""
    assert rows[("Association sans lieu", "")]["latitude"] == ""


def test_importing_the_same_file_again_as_csv_xlsx_or_export_gives_the_same_database(
        app: Flask, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run(app, str(write_csv(tmp_path / "osc.csv", GOOD_ROWS))).exit_code == 0
    first = database(app)
    assert run(app, str(write_csv(tmp_path / "osc.csv", GOOD_ROWS))).exit_code == 0
    assert database(app) == first
    numbers = [[float(c.replace(",", ".").replace("\N{MINUS SIGN}", "-"))
                if index in (5, 6) and c else c for index, c in enumerate(row)]
               for row in GOOD_ROWS]  # a spreadsheet stores coordinates as numbers
    result = run(app, str(write_xlsx(tmp_path / "osc.xlsx", numbers)))
    assert result.exit_code == 0, result.output
    assert database(app) == first
    # an exported file (public points only) imported again changes nothing either
    add_organisation(app, "Collectif discret", place=PlaceData("SN", "Ndiaganiao", "Thiès",
                                                               14.123456, -16.654321, "region"))
    before = database(app)
    exported = tmp_path / "export.csv"
    exported.write_bytes(client.get("/map/organisations.csv").data)
    result = run(app, str(exported))
    assert result.exit_code == 0, result.output
    assert database(app) == before, "the exact points of places shown by region are kept"


def test_a_dry_run_or_an_unreadable_file_writes_nothing(app: Flask, tmp_path: Path) -> None:
    before = database(app)
    result = run(app, str(write_csv(tmp_path / "osc.csv", GOOD_ROWS, delimiter=";")), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "4" in result.output and "0" in result.output
    assert database(app) == before
    missing = write_csv(tmp_path / "short.csv", [["A", "SN"]], header=["name", "country"])
    result = run(app, str(missing))
    assert result.exit_code != 0 and "Colonnes manquantes" in result.output
    assert "acronym" in result.output
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(",".join(HEADER).encode() + "\nSénégal".encode("latin-1"))
    assert "UTF-8" in run(app, str(latin)).output
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert "XLSX" in run(app, str(broken)).output
    assert database(app) == before


def test_every_hostile_row_is_reported_and_nothing_is_stored(app: Flask, tmp_path: Path) -> None:
    good = GOOD_ROWS[0]
    hostile = [
        good,
        ["=HYPERLINK(\"http://evil.example\")", *good[1:]],
        ["<script>alert(1)</script>", *good[1:]],
        ["A" * 300, *good[1:]],
        [*good[:5], "95", "abc", *good[7:]],
        [good[0], "", "club", "ZZ", "", "", "", "street", "gender;nope", *good[9:]],
        [*good[:9], "javascript:alert(1)", "pas-une-adresse", *good[11:]],
        ["Ligne\x07cachée", *good[1:11], "SN-NINEA", "", *good[13:]],
        [*good[:4], "Village inconnu", "", "", "city", *good[8:]],
        [*good[:13], "", "adults", "strong", "french"],
    ]
    before = database(app)
    result = run(app, str(write_csv(tmp_path / "hostile.csv", hostile)))
    assert result.exit_code != 0
    output = result.output
    expected = [(3, "name"), (4, "name"), (5, "name"), (6, "latitude"), (6, "longitude"),
                (7, "kind"), (7, "country"), (7, "themes"), (8, "website"), (8, "email"),
                (9, "name"), (9, "identifier"), (10, "latitude"), (11, "target_groups"),
                (11, "gender_focus"), (11, "working_languages")]
    for row, column in expected:
        assert f"ligne {row}, colonne {column} :" in output, (row, column, output)
    assert "ligne 2," not in output, "the good row has no problem"
    assert "formule" in output and "HTML" in output and "300" not in output.split("ligne 5")[0]
    assert database(app) == before


def test_organisations_are_matched_by_identifier_then_name_and_identifiers_stay_unique(
        app: Flask, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    known = add_organisation(app, "Ancien nom du réseau", identifiers=[("SN-NINEA", "0011223")])
    twin = add_organisation(app, "ASSOCIATION IVOIRIENNE DES RAPATRIÉS", country="CI")
    assert run(app, str(write_csv(tmp_path / "osc.csv", GOOD_ROWS))).exit_code == 0
    rows = csv_rows(client.get("/map/organisations.csv").data)
    ids = {row["name"]: int(row["id"]) for row in rows}
    assert ids["Réseau des femmes de Kaolack"] == known, "updated through its identifier"
    assert "Ancien nom du réseau" not in ids
    assert ids["Association ivoirienne des rapatriés"] == twin, "found by name and country"
    assert len(ids) == 4
    add_organisation(app, "Titulaire de l'identifiant", identifiers=[("FR-RNA", "W691111111")])
    add_organisation(app, "Autre titulaire", country="FR", identifiers=[("FR-RNA", "W000000001")])
    both = [*GOOD_ROWS[3][:11], "FR-RNA;FR-RNA", "W691111111;W000000001", *GOOD_ROWS[3][13:]]
    shared = [*GOOD_ROWS[0][:11], "SN-NINEA", "777", *GOOD_ROWS[0][13:]]
    other = [*GOOD_ROWS[2][:11], "SN-NINEA", "777", *GOOD_ROWS[2][13:]]
    before = database(app)
    result = run(app, str(write_csv(tmp_path / "osc.csv", [both, shared, other])))
    assert result.exit_code != 0
    assert "ligne 2, colonne identifier : déjà l'identifiant de « Autre titulaire »" in \
        result.output
    assert "ligne 4, colonne name : même organisation qu'à la ligne 3" in result.output
    assert database(app) == before


def test_the_upload_page_checks_first_then_imports_within_the_uploaders_countries(
        app: Flask, client, login, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    login("admin")
    body = write_csv(tmp_path / "osc.csv", GOOD_ROWS).read_bytes()

    def send(dry_run: bool, content: bytes = body, name: str = "osc.csv"):  # type: ignore[no-untyped-def]
        data = {"file": (io.BytesIO(content), name)} | ({"dry_run": "y"} if dry_run else {})
        return client.post_form("/map/import?lang=en", data,
                                content_type="multipart/form-data")

    checked = send(dry_run=True)
    assert checked.status_code == 200 and "4 new organisation(s)" in checked.get_data(as_text=True)
    assert csv_rows(client.get("/map/organisations.csv").data) == []
    done = send(dry_run=False)
    assert done.status_code == 200 and "Imported: 4 new" in done.get_data(as_text=True)
    assert len(csv_rows(client.get("/map/organisations.csv").data)) == 5
    refused = send(dry_run=False, content=b"name;country\nA;SN\n")
    assert refused.status_code == 400 and "Columns missing" in refused.get_data(as_text=True)
    client.post_form("/logout")
    login("focal_point")  # focal point of Senegal, on a file with organisations of elsewhere
    answer = client.post_form("/map/import?lang=en", {"file": (io.BytesIO(body), "osc.csv")},
                              content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "row 4, column country: you may import organisations of SN only" in page
    assert "row 2," not in page
    assert len(csv_rows(client.get("/map/organisations.csv").data)) == 5, "nothing more"
