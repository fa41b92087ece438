"""The indicators plugin: frameworks loaded from data, indicator pages with server-drawn charts
and their tables, women and men side by side, the completeness score, the home page block, and
the plugin switched off (pages gone, values kept)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crpm_cms.plugin_api import db
from crpm_cms.testing import initialise_site as initialise
from crpm_cms.testing import set_plugin_enabled as set_enabled

pytest.importorskip("crpm_plugins.indicators.models")

from crpm_plugins.indicators import services  # noqa: E402
from crpm_plugins.indicators.catalogue import CatalogueError, load_catalogue  # noqa: E402
from crpm_plugins.indicators.completeness import completeness  # noqa: E402
from crpm_plugins.indicators.models import (  # noqa: E402
    Framework,
    Indicator,
    IndicatorValue,
    Target,
)
from crpm_plugins.indicators.services import Observation  # noqa: E402

from .helpers import BY_SEX, enter_values, stored, text

# -- helpers shared by the indicators test modules -------------------------------------------------










# -- the catalogue ---------------------------------------------------------------------------------


def test_frameworks_come_from_data_and_loading_again_changes_nothing(app: Flask) -> None:
    enter_values(app, "CRPM-01", BY_SEX[:3])
    with app.app_context():
        gcm = db.session.scalar(select(Framework).where(Framework.code == "gcm"))
        assert [t.code for t in gcm.targets] == [str(n) for n in range(1, 24)]  # core data
        assert gcm.targets[0].label_en.startswith("Collect and utilize accurate")
        mgi = db.session.scalar(select(Framework).where(Framework.code == "mgi"))
        assert [t.label_en for t in mgi.targets][:2] == ["Migrants' rights",
                                                         "Whole-of-government approach"]
        assert len(mgi.targets) == 6
        sdg = db.session.scalar(select(Framework).where(Framework.code == "sdg"))
        assert [t.code for t in sdg.targets] == ["10.7"]
        first = services.indicator_by_code("CRPM-01")
        assert {(t.framework.code, t.code) for t in first.targets} == {
            ("gcm", "8"), ("sdg", "10.7"), ("mgi", "6")}
        assert first.disaggregations == ["sex"] and first.value_type == "number"
        assert first.name_fr.startswith("Personnes décédées") and first.method_en
        assert [other.code for other in first.related] == ["CRPM-07"]
        before = (db.session.scalar(select(func.count()).select_from(Indicator)),
                  db.session.scalar(select(func.count()).select_from(Target)))
        initialise("all")  # `crpm init` again: the load_reference_data hook runs again
        load_catalogue()
        after = (db.session.scalar(select(func.count()).select_from(Indicator)),
                 db.session.scalar(select(func.count()).select_from(Target)))
    assert before == after and before[0] >= 16
    assert len(stored(app, "CRPM-01")) == 3, "the values are kept"


def write_national_catalogue(app: Flask, content: dict) -> Path:
    folder = Path(app.instance_path) / "indicators"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "national.json"
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


NATIONAL = {
    "frameworks": [{
        "code": "sn-pnm", "country": "SN", "name_fr": "Politique nationale de migration du Sénégal",
        "name_en": "National migration policy of Senegal", "target_term_fr": "Axe",
        "target_term_en": "Axis", "targets": [
            {"code": "1", "label_fr": "Gouvernance", "label_en": "Governance"},
            {"code": "2", "label_fr": "Protection", "label_en": "Protection"}]}],
    "indicators": [
        {"code": "T-1", "name_fr": "Essai par sexe", "name_en": "Test by sex",
         "value_type": "number", "disaggregations": ["sex"],
         "frameworks": {"sn-pnm": ["1"]}},
        {"code": "T-2", "name_fr": "Essai par sexe et âge", "name_en": "Test by sex and age",
         "value_type": "number", "disaggregations": ["sex", "age"],
         "frameworks": {"sn-pnm": ["1", "2"]}},
        {"code": "T-3", "name_fr": "Essai de politique", "name_en": "Test policy",
         "value_type": "ordinal", "frameworks": {"sn-pnm": ["2"]}},
        {"code": "T-4", "name_fr": "Essai hors sujet", "name_en": "Test not applicable",
         "value_type": "number", "frameworks": {"sn-pnm": ["2"]}, "related": ["T-1"]},
    ],
}


def test_a_deployment_adds_a_national_framework_as_data(app: Flask, client: FlaskClient) -> None:
    write_national_catalogue(app, NATIONAL)
    with app.app_context():
        counts = load_catalogue()
    assert counts == {"frameworks": 4, "indicators": 20}
    status, body = text(client, "/indicators/frameworks/sn-pnm?lang=en")
    assert status == 200
    assert "National migration policy of Senegal" in body and "Test by sex and age" in body
    assert "T-1" in text(client, "/indicators/?lang=en")[1]


def test_an_english_visitor_reads_the_french_text_where_there_is_no_english(
        app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        indicator = db.session.scalars(select(Indicator).order_by(Indicator.code)).first()
        assert indicator is not None
        indicator.name_en, indicator.definition_en = "", ""
        db.session.commit()
        code, name, definition = indicator.code, indicator.name_fr, indicator.definition_fr
    status, body = text(client, f"/indicators/{code}?lang=en")
    assert status == 200
    assert f"<h1>{name}</h1>" in body and f'<p class="lead">{definition}</p>' in body


BROKEN = [
    ({"disaggregations": ["colour"]}, "unknown disaggregation(s) colour"),
    ({"frameworks": {"gcm": ["99"]}}, "gcm has no target '99'"),
    ({"value_type": "guess"}, "value_type must be one of"),
    ({"related": ["NOPE"]}, "unknown related indicator(s) NOPE"),
]


def test_a_wrong_catalogue_is_refused_whole_with_a_clear_message(app: Flask) -> None:
    for change, message in BROKEN:
        broken = json.loads(json.dumps(NATIONAL))
        broken["indicators"][0].update(change)
        write_national_catalogue(app, broken)
        with app.app_context():
            with pytest.raises(CatalogueError, match=re.escape(message)):
                load_catalogue()
            assert services.indicator_by_code("T-2") is None  # nothing of the file was kept
        result = app.test_cli_runner().invoke(args=["indicators", "load"])
        assert result.exit_code == 1 and "national.json, indicator 1" in result.output


# -- indicator pages -------------------------------------------------------------------------------


def test_the_chart_its_table_and_women_and_men_side_by_side(app: Flask,
                                                            client: FlaskClient) -> None:
    enter_values(app, "CRPM-01", BY_SEX)
    status, body = text(client, "/indicators/CRPM-01?lang=en")
    assert status == 200
    assert "<script" not in body, "the page needs no JavaScript"
    chart = body[body.index('<svg class="chart-svg"'):body.index("</svg>")]
    assert 'role="img"' in chart and '<title id="main-chart-title">' in chart
    assert "<desc" in chart and "from 2022 to 2023" in chart
    # bars of the totals, one per country and year, each with its value
    assert "Senegal, 2023: 388" in chart and "Guinea, 2022: 298" in chart
    table = body[body.index('<table class="data-table">'):]
    table = table[:table.index("</table>")]
    assert re.search(r"<th scope=\"row\">2023</th><td>231</td><td>276</td><td>388</td>", table)
    # filters choose the series; unknown values fall back to all countries and the total
    women = text(client, "/indicators/CRPM-01?lang=en&sex=F")[1]
    assert "Senegal, 2023: 70" in women and "Senegal, 2023: 388" not in women
    status, odd = text(client, "/indicators/CRPM-01?lang=en&sex=X&country=ZZ")
    assert status == 200 and "Senegal, 2023: 388" in odd
    assert client.get("/indicators/NO-SUCH").status_code == 404

    # women and men side by side
    body = text(client, "/indicators/CRPM-01?lang=en")[1]
    gender = body[body.index('id="gender-title"'):]
    assert "Women, SN: 70" in gender and "Men, SN: 310" in gender  # latest year, side by side
    row = re.search(r"<th scope=\"row\">Senegal \(2023\)</th>(.*?)</tr>", gender).group(1)
    assert re.findall(r"<td>(.*?)</td>", row) == ["70", "310", "388", "-240"]
    one_country = text(client, "/indicators/CRPM-01?lang=en&country=SN")[1]
    assert "Women, 2022: 61" in one_country and "Men, 2022: 351" in one_country




def test_ordinal_values_are_a_grid_with_evidence(app: Flask, client: FlaskClient) -> None:
    law = "Décret 2018-1234 | https://www.jo.gouv.sn/decret-2018-1234"
    with app.app_context():
        indicator = services.indicator_by_code("CRPM-03")
        services.save_entries(indicator, [
            Observation("SN", "2022", 2022, {}, 1.0),
            Observation("SN", "2023", 2023, {}, 2.0, evidence=(
                {"title": "Décret 2018-1234", "url": "https://www.jo.gouv.sn/decret-2018-1234"},)),
            Observation("TN", "2023", 2023, {}, 0.0)], None)
    body = text(client, "/indicators/CRPM-03?lang=en")[1]
    assert "Senegal, 2023: In place" in body and "Tunisia, 2023: Not in place" in body
    assert "Senegal, 2022: Partly in place" in body
    assert 'href="https://www.jo.gouv.sn/decret-2018-1234"' in body
    assert law.split(" |")[0] in body


def test_csv_download_in_the_open_sdg_layout(app: Flask, client: FlaskClient) -> None:
    enter_values(app, "CRPM-01", BY_SEX[:3], source="Protection civile")
    response = client.get("/indicators/CRPM-01/data.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"CRPM-01.csv\"; filename*=UTF-8''CRPM-01.csv")
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert lines == ["Year,Units,Country,Sex,Value,Notes,Source",
                     "2022,People,SN,,412,,Protection civile",
                     "2022,People,SN,F,61,,Protection civile",
                     "2022,People,SN,M,351,,Protection civile"]
    women = client.get("/indicators/CRPM-01/data.csv?sex=F").get_data().decode("utf-8-sig")
    assert women.splitlines()[1:] == ["2022,People,SN,F,61,,Protection civile"]
    enter_values(app, "CRPM-05", [("MA", "2023", {}, 7)], notes="=HYPERLINK(\"http://x\")")
    line = client.get("/indicators/CRPM-05/data.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in line, "notes cannot run as a formula in a spreadsheet"




# -- countries and completeness --------------------------------------------------------------------


def crafted_completeness(app: Flask) -> None:
    """The national test framework and values for Senegal whose score is computed by hand."""
    write_national_catalogue(app, NATIONAL)
    with app.app_context():
        load_catalogue()
        services.set_status(services.indicator_by_code("T-4"), "SN", "not_applicable", None)
    enter_values(app, "T-1", [("SN", "2022", {}, 10), ("SN", "2022", {"sex": "F"}, 4),
                              ("SN", "2022", {"sex": "M"}, 6),  # complete, but not the latest
                              ("SN", "2023", {}, 12), ("SN", "2023", {"sex": "F"}, 5)])
    enter_values(app, "T-2", [("SN", "2023", {}, 100), ("SN", "2023", {"sex": "F"}, 40),
                              ("SN", "2023", {"sex": "M"}, 60),
                              ("SN", "2023", {"age": "Y15T24"}, 30),
                              ("SN", "2023", {"sex": "F", "age": "Y15T24"}, 12)])  # not expected
    enter_values(app, "T-4", [("CI", "2023", {}, 3)])


def test_completeness_score_on_a_crafted_data_set(app: Flask, client: FlaskClient) -> None:
    crafted_completeness(app)
    with app.app_context():
        framework = services.framework_by_code("sn-pnm")
        report = completeness(services.indicators_of(framework), ["SN"])[0]
        items = {item.indicator.code: (item.period, item.present, item.expected, item.missing)
                 for item in report.items}
    # T-1: total, women, men expected in 2023 → 2 of 3; T-2: total, women, men and the four age
    # groups → 4 of 7 (the women-aged-15-to-24 cross value does not count); T-3: nothing → 0 of
    # 1; T-4 is declared not applicable → left out. 6 of 11 = 54.5 %.
    assert items["T-1"] == ("2023", 2, 3, ["Sexe : Hommes"])
    assert items["T-2"][:3] == ("2023", 4, 7) and len(items["T-2"][3]) == 3
    assert items["T-3"] == (None, 0, 1, ["Total"])
    assert "T-4" not in items
    assert (report.present, report.expected, report.score) == (6, 11, 54.5)
    body = text(client, "/indicators/completeness?framework=sn-pnm&lang=en")[1]
    assert re.search(r"Senegal</a></th>\s*<td>54.5 %</td>\s*<td>6 of 11</td>", body)
    page = text(client, "/indicators/countries/SN?lang=en")[1]
    assert "missing: Sex: Men" in page
    table = client.get("/indicators/completeness?framework=sn-pnm&format=csv&lang=en")
    senegal = next(line for line in table.get_data().decode("utf-8-sig").splitlines()
                   if line.startswith("SN,"))
    assert senegal == ('SN,Senegal,54.5,6,11,"T-1: Sex: Men ; T-2: Age group: Under 15, Age '
                       'group: 25 to 64, Age group: 65 and over ; T-3: Total"')


def test_framework_and_country_pages(app: Flask, client: FlaskClient,
                                     login) -> None:  # noqa: ANN001
    enter_values(app, "CRPM-01", BY_SEX)
    status, body = text(client, "/indicators/countries/SN?lang=en")
    assert status == 200
    row = re.search(r"CRPM-01</a>.*?</tr>", body, re.S).group(0)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["2023", "388", "70", "310"]
    assert client.get("/indicators/countries/XX").status_code == 404
    lines = client.get("/indicators/countries/SN?format=csv&lang=en").get_data().decode(
        "utf-8-sig").splitlines()
    assert lines[0] == "Code,Indicator,Period,Total,Women,Men,Status"
    assert lines[1] == ("CRPM-01,People who died or went missing during migration,2023,388,70,"
                        "310,in_progress")
    with app.app_context():
        services.set_status(services.indicator_by_code("CRPM-01"), "CI", "not_applicable", None)
    body = text(client, "/indicators/frameworks/gcm?lang=en")[1]
    row = re.search(r"CRPM-01</a>.*?</tr>", body, re.S).group(0)
    labels = re.findall(r'class="visually-hidden">([^<]+)<', row)
    countries = list(re.findall(r'<abbr title="[^"]+">(\w\w)</abbr>', body))
    by_country = dict(zip(countries, labels, strict=True))
    assert by_country["SN"] == "In progress" and by_country["CI"] == "Not applicable"
    assert by_country["TN"] == "Not started"
    matrix = client.get("/indicators/frameworks/gcm?format=csv").get_data().decode("utf-8-sig")
    header, first = matrix.splitlines()[:2]
    statuses = dict(zip(header.split(",")[2:], first.split(",")[-9:], strict=True))
    assert first.startswith("CRPM-01,") and statuses["CI"] == "not_applicable"
    focal = login("focal_point")
    response = focal.post_form("/indicators/CRPM-01/status", {"country": "SN",
                                                              "status": "complete"})
    assert response.status_code == 302
    assert focal.post_form("/indicators/CRPM-01/status", {"country": "GN", "status": "complete"}
                           ).status_code == 403
    with app.app_context():
        table = services.status_table([services.indicator_by_code("CRPM-01")])
        indicator_id = services.indicator_by_code("CRPM-01").id
    assert table[(indicator_id, "SN")] == "complete"
    assert table[(indicator_id, "GN")] == "in_progress"


# -- the plugin in the site ------------------------------------------------------------------------


def test_menu_home_block_search_and_the_plugin_switched_off(app: Flask,
                                                            client: FlaskClient) -> None:
    enter_values(app, "CRPM-01", BY_SEX[:6])
    body = text(client, "/?lang=en")[1]
    assert 'href="/indicators/"' in body
    block = body[body.index('class="indicators-home"'):]
    block = block[:block.index("</section>")]
    assert "16 indicators follow migration policies" in block
    assert "1 country has reported values." in block
    assert "People who died or went missing during migration, Senegal, 2023" in block
    # the site search finds indicators by their words and their GCM objectives
    answer = client.get("/api/v1/search?q=disparues&kind=indicator").json
    hits = {hit["url"].removeprefix("http://localhost"): hit for hit in answer["results"]}
    assert "/indicators/CRPM-01" in hits, answer
    assert hits["/indicators/CRPM-01"]["countries"] == ["SN"]
    by_target = client.get("/api/v1/search?q=coût&theme=6").json["results"]
    assert [hit["url"] for hit in by_target] == ["http://localhost/indicators/CRPM-02"]  # GCM 6
    facets = text(client, "/search?q=disparues&kind=indicator&ui_lang=fr")[1]
    facets = facets[facets.index('class="search-facets"'):facets.index("</aside>")]
    assert "Nombre" in facets and ">number<" not in facets  # its kind of value, labelled

    enter_values(app, "CRPM-01", BY_SEX[6:])
    pages = ["/indicators/", "/indicators/CRPM-01", "/indicators/CRPM-01/data.csv",
             "/indicators/static/indicators.css", "/api/v1/indicators",
             "/api/v1/indicators/CRPM-01/data", "/indicators/countries/SN"]
    with app.app_context():
        set_enabled("indicators", False)
    assert [client.get(page).status_code for page in pages] == [404] * len(pages)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/indicators/"' not in home and "indicators-home" not in home
    assert client.get("/api/v1/search?q=disparues&kind=indicator").json["results"] == []
    assert "/indicators" not in client.get("/api/v1/openapi.json").json["paths"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == 18
    with app.app_context():
        set_enabled("indicators", True)
    assert [client.get(page).status_code for page in pages] == [200] * len(pages)
    assert len(stored(app, "CRPM-01")) == 18
