"""Spreadsheets in and out: the XLSX template with its drop-down lists, the round trip through
it, the dry run that lists every bad cell and stores nothing, idempotent re-uploads, CSV in the
Open SDG layout, and a focal point of Senegal who cannot change Guinea's values."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from .helpers import BY_SEX, enter_values, stored, text

pytest.importorskip("crpm_plugins.indicators.models")

from crpm_plugins.indicators import services  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAMES = {"SN": "Sénégal", "CI": "Côte d'Ivoire", "GN": "Guinée"}
SEXES = {"": "Total", "F": "Femmes", "M": "Hommes"}  # the template speaks the reader's language


def template(client: FlaskClient, code: str = "CRPM-01"):  # type: ignore[no-untyped-def]
    response = client.get(f"/indicators/{code}/template.xlsx?lang=fr")
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.data))


def as_bytes(workbook) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def send(client: FlaskClient, body: bytes, action: str, code: str = "CRPM-01",
         name: str = "valeurs.xlsx"):  # type: ignore[no-untyped-def]
    return client.post_form(f"/indicators/{code}/upload?lang=en", {
        "file": (io.BytesIO(body), name), "action": action},
        content_type="multipart/form-data")


def problems(response) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """The (row, column, problem) lines of the dry run's table."""
    body = response.get_data(as_text=True)
    table = body[body.index('<table class="problems">'):body.index("</table>")]
    import html

    return [tuple(html.unescape(cell) for cell in row) for row in re.findall(
        r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)]


def filled_template(client: FlaskClient) -> bytes:
    """The template, filled in like a focal point would: names and labels from the lists."""
    workbook = template(client)
    sheet = workbook["Values"]
    for country, period, breakdown, value in BY_SEX:
        sheet.append([int(period), NAMES[country], SEXES[breakdown.get("sex", "")], value,
                      "", "Protection civile"])
    return as_bytes(workbook)


def expected_csv() -> list[str]:
    rows = sorted(BY_SEX, key=lambda r: (r[1], r[0], ["", "F", "M"].index(
        r[2].get("sex", ""))))
    return ["Year,Units,Country,Sex,Value,Notes,Source"] + [
        f"{period},People,{country},{breakdown.get('sex', '')},{value},,Protection civile"
        for country, period, breakdown, value in rows]


# -- the template ----------------------------------------------------------------------------------


def test_the_template_has_drop_down_lists_from_the_definition(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin")
    workbook = template(admin)
    sheet, lists = workbook["Values"], workbook["Lists"]
    assert [cell.value for cell in sheet[1]] == ["Year", "Country", "Sex", "Value", "Notes",
                                                  "Source"]
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    country = validations["B2:B501"]
    assert country.type == "list" and country.formula1 == "'Lists'!$A$2:$A$10"
    assert [lists.cell(row=r, column=1).value for r in range(2, 11)] == [
        "Cameroun", "Comores", "Côte d'Ivoire", "France", "Guinée", "Madagascar", "Maroc",
        "Sénégal", "Tunisie"]
    sex = validations["C2:C501"]
    assert sex.formula1 == "'Lists'!$B$2:$B$4"
    assert [lists.cell(row=r, column=2).value for r in range(2, 5)] == ["Total", "Femmes",
                                                                      "Hommes"]
    assert validations["A2:A501"].type == "whole" and validations["D2:D501"].type == "decimal"
    assert "Instructions" in workbook.sheetnames

    ordinal = template(admin, "CRPM-03")
    assert [cell.value for cell in ordinal["Values"][1]] == [
        "Year", "Country", "Value", "Notes", "Source", "Evidence"]
    value = next(v for v in ordinal["Values"].data_validations.dataValidation
                 if str(v.sqref) == "C2:C501")
    column = value.formula1.split("$")[1]
    assert [ordinal["Lists"][f"{column}{r}"].value for r in (2, 3, 4)] == [
        "Inexistante", "Partiellement en place", "En place"]


# -- round trip ------------------------------------------------------------------------------------


def test_template_round_trip_three_countries_two_years_by_sex(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin")
    body = filled_template(admin)

    checked = send(admin, body, "check")
    assert checked.status_code == 200
    assert "18 values are ready to import" in checked.get_data(as_text=True)
    assert stored(app, "CRPM-01") == [], "the dry run wrote nothing"

    imported = send(admin, body, "import")
    assert imported.status_code == 302
    assert "18 value(s) added, 0 changed, 0 unchanged" in text(admin, "/indicators/?lang=en")[1]
    assert len(stored(app, "CRPM-01")) == 18

    page = text(admin, "/indicators/CRPM-01?lang=en")[1]
    assert "Côte d’Ivoire, 2023: 231" in page or "Côte d'Ivoire, 2023: 231" in page
    assert "Women, SN: 70" in page and "<td>388</td>" in page

    exported = admin.get("/indicators/CRPM-01/data.csv").get_data()
    assert exported.decode("utf-8-sig").splitlines() == expected_csv()

    # the CSV that came out goes back in unchanged, and comes out the same again
    again = send(admin, exported, "import", name="CRPM-01.csv")
    assert again.status_code == 302
    assert "0 value(s) added, 0 changed, 18 unchanged" in text(admin, "/indicators/?lang=en")[1]
    assert admin.get("/indicators/CRPM-01/data.csv").get_data() == exported


def test_the_same_file_again_changes_nothing_a_corrected_one_only_its_change(
        app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin")
    body = filled_template(admin)
    assert send(admin, body, "import").status_code == 302

    def snapshot() -> dict:
        with app.app_context():
            return {(v.country_code, v.period, v.breakdown_key): (v.value, v.updated_at)
                    for v in services.stored_values(services.indicator_by_code("CRPM-01"))}

    before = snapshot()
    assert send(admin, body, "import").status_code == 302
    assert snapshot() == before, "not even the time of the last change moved"

    workbook = template(admin)  # holds the current values
    row = next(r for r in workbook["Values"].iter_rows(min_row=2) if r[0].value == 2023
               and r[1].value == "Guinée" and r[2].value == "Total")
    row[3].value = 280
    assert send(admin, as_bytes(workbook), "import").status_code == 302
    assert "0 value(s) added, 1 changed, 17 unchanged" in text(admin, "/indicators/?lang=en")[1]
    after = snapshot()
    assert after[("GN", "2023", "")][0] == 280.0
    assert {k: v for k, v in after.items() if k != ("GN", "2023", "")} == {
        k: v for k, v in before.items() if k != ("GN", "2023", "")}


# -- bad cells -------------------------------------------------------------------------------------


def test_every_bad_cell_is_listed_and_nothing_is_stored(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin")
    workbook = template(admin)
    sheet = workbook["Values"]
    sheet.append([2023, "Sénégal", "Total", 388])           # row 2: fine
    sheet.append([2023, "Atlantide", "Total", 12])          # row 3: unknown country
    sheet.append([2023, "Guinée", "Femmes", "beaucoup"])     # row 4: text in a number column
    sheet.append([1850, "Guinée", "Total", 276])            # row 5: year out of range
    sheet.append([2023, "Guinée", "Hommes", "=D2-D4"])      # row 6: a formula
    sheet.append([2023, "Sénégal", "Total", 390])           # row 7: duplicate of row 2
    sheet.append([2022, "Sénégal", "", 5])                  # row 8: total not chosen
    response = send(admin, as_bytes(workbook), "import")
    assert response.status_code == 400
    assert problems(response) == [
        ("3", "Country", "unknown country “Atlantide”"),
        ("4", "Value", "text in a number column: “beaucoup”"),
        ("5", "Year", "year out of range: 1850 is not between 1990 and "
                      f"{__import__('datetime').date.today().year}"),
        ("6", "Value", "a formula (=D2-D4): type the value itself"),
        ("7", "Country, Year, Sex", "duplicate row: the same country, period and "
                                    "disaggregation as row 2"),
        ("8", "Sex", "empty: choose a value from the list (“Total” for everyone)"),
    ]
    assert stored(app, "CRPM-01") == []

    # files that cannot be read at all
    not_xlsx = send(admin, b"PK\x03\x04 not really a zip", "check")
    assert not_xlsx.status_code == 400
    assert "not a readable XLSX workbook" in not_xlsx.get_data(as_text=True)
    latin = send(admin, "Year,Country,Value\n2023,Sénégal,4\n".encode("latin-1"), "check",
                 name="valeurs.csv")
    assert "not UTF-8 text" in latin.get_data(as_text=True)
    headers = send(admin, b"Anno,Colour,Value\n2023,red,4\n", "check", name="v.csv")
    assert headers.status_code == 400
    assert problems(headers) == [("1", "A", "unknown column “Anno”"),
                                 ("1", "B", "unknown column “Colour”"),
                                 ("1", "Year", "this column is missing"),
                                 ("1", "Country", "this column is missing")]
    empty = send(admin, b"", "check", name="v.csv")
    assert empty.status_code == 400
    assert "The file is empty: the first row must name the columns." in empty.get_data(
        as_text=True)
    nothing = admin.post_form("/indicators/CRPM-01/upload?lang=en", {"action": "check"})
    assert nothing.status_code == 400
    assert "Choose a file to send." in nothing.get_data(as_text=True)
    assert stored(app, "CRPM-01") == []




def test_csv_in_the_open_sdg_layout_french_decimals_and_semicolons(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin")
    body = ("Year;Units;Country;Sex;Value;Notes;Source\n"
            "2023;Percentage of monthly income;SN;;37,5;Enquête 2023;ANSD\n"
            "2023;Percentage of monthly income;SN;F;41,2;;ANSD\n"
            "2023;Pourcentage du revenu mensuel;Senegal;Women;41,2;;ANSD\n").encode()
    response = send(admin, body, "import", code="CRPM-02", name="cout.csv")
    assert problems(response) == [("4", "Country, Year, Sex", "duplicate row: the same "
                                   "country, period and disaggregation as row 3")]
    fixed = b"\n".join(body.splitlines()[:3])
    assert send(admin, fixed, "import", code="CRPM-02", name="cout.csv").status_code == 302
    assert stored(app, "CRPM-02") == [("SN", "2023", "", 37.5), ("SN", "2023", "sex=F", 41.2)]
    wrong_unit = b"Year,Units,Country,Value\n2023,Euros,SN,12\n2024,,SN,120\n"
    refused = send(admin, wrong_unit, "check", code="CRPM-02", name="cout.csv")
    assert problems(refused) == [
        ("2", "Units", "“Euros” is not the unit of this indicator (Percentage of monthly "
                       "income)"),
        ("3", "Value", "a percentage is between 0 and 100, not 120")]


# -- Senegal's focal point and Guinea's values -----------------------------------------------------


def test_senegals_focal_point_cannot_change_guinea_through_the_upload(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    enter_values(app, "CRPM-01", BY_SEX)
    before = stored(app, "CRPM-01")
    focal = login("focal_point")
    own = template(focal)  # only Senegal in the list, and Senegal's current values
    assert own["Lists"]["A2"].value == "Sénégal" and own["Lists"]["A3"].value is None
    rows = [[cell.value for cell in row] for row in own["Values"].iter_rows(min_row=2)]
    assert {row[1] for row in rows} == {"Sénégal"} and len(rows) == 6
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Values"
    sheet.append(["Year", "Country", "Sex", "Value", "Notes", "Source"])
    sheet.append([2023, "Sénégal", "Total", 390, "", ""])
    sheet.append([2023, "Guinée", "Total", 1, "", ""])
    response = send(focal, as_bytes(workbook), "import")
    assert response.status_code == 400
    assert problems(response) == [("3", "Country", "you may not enter values for Guinea")]
    assert stored(app, "CRPM-01") == before, "not even Senegal's row was stored"


def test_senegals_focal_point_cannot_change_guinea_through_the_form(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    enter_values(app, "CRPM-01", BY_SEX)
    before = stored(app, "CRPM-01")
    focal = login("focal_point")
    form = text(focal, "/indicators/CRPM-01/enter?lang=en")[1]
    start = form.index('name="country"')
    select = form[start:form.index("</select>", start)]
    assert re.findall(r'<option value="(\w+)"', select) == ["SN"]
    response = focal.post_form("/indicators/CRPM-01/enter?lang=en", {
        "country": "GN", "period": "2023", "sex": "_T", "value": "1"})
    assert response.status_code == 400
    assert "you may not enter values for Guinea" in text(focal, "/")[1] or \
        "you may not enter values for Guinea" in response.get_data(as_text=True)
    assert stored(app, "CRPM-01") == before
    with app.app_context():
        guinea = next(v for v in services.stored_values(services.indicator_by_code("CRPM-01"))
                      if v.country_code == "GN")
    assert focal.post_form(f"/indicators/values/{guinea.id}/delete").status_code == 403
    assert stored(app, "CRPM-01") == before
    saved = focal.post_form("/indicators/CRPM-01/enter?lang=en", {
        "country": "SN", "period": "2023", "sex": "F", "value": "72", "source": "BAOS"})
    assert saved.status_code == 302
    assert ("SN", "2023", "sex=F", 72.0) in stored(app, "CRPM-01")


def test_the_form_reports_mistakes_corrects_and_deletes(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin")
    response = admin.post_form("/indicators/CRPM-02/enter?lang=en", {
        "country": "SN", "period": "20234", "sex": "F", "value": "130"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="period-error"' in body and "is not a year such as 2024" in body
    assert 'id="value-error"' in body and "a percentage is between 0 and 100, not 130" in body
    french = admin.post_form("/indicators/CRPM-02/enter?lang=fr", {
        "country": "SN", "period": "2023", "sex": "F", "value": "beaucoup"})
    assert "texte dans une colonne de nombres" in french.get_data(as_text=True)
    assert stored(app, "CRPM-02") == []

    # opening the form on a value to correct it, then deleting one
    enter_values(app, "CRPM-01", BY_SEX[:3])
    page = text(admin, "/indicators/CRPM-01/enter?country=SN&period=2022&sex=F&lang=en")[1]
    assert re.search(r'name="value"[^>]*value="61"', page)
    assert admin.post_form("/indicators/CRPM-01/enter", {
        "country": "SN", "period": "2022", "sex": "F", "value": "62"}).status_code == 302
    assert ("SN", "2022", "sex=F", 62.0) in stored(app, "CRPM-01")
    with app.app_context():
        value = next(v for v in services.stored_values(services.indicator_by_code("CRPM-01"))
                     if v.breakdown_key == "sex=M")
    assert admin.post_form(f"/indicators/values/{value.id}/delete").status_code == 302
    assert [row[2] for row in stored(app, "CRPM-01")] == ["", "sex=F"]


def test_the_command_line_import_checks_first(app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "values.csv"
    path.write_text("Year,Country,Sex,Value\n2023,SN,F,70\n2023,XX,M,3\n", encoding="utf-8")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["indicators", "import", "CRPM-01", str(path)])
    assert refused.exit_code == 1 and "row 3, column Country" in refused.output
    path.write_text("Year,Country,Sex,Value\n2023,SN,F,70\n2023,SN,M,310\n", encoding="utf-8")
    dry = runner.invoke(args=["indicators", "import", "CRPM-01", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "2 value(s) checked" in dry.output
    assert stored(app, "CRPM-01") == []
    done = runner.invoke(args=["indicators", "import", "CRPM-01", str(path)])
    assert done.exit_code == 0 and "2 added, 0 changed, 0 unchanged" in done.output
    assert stored(app, "CRPM-01") == [("SN", "2023", "sex=F", 70.0), ("SN", "2023", "sex=M", 310.0)]
