"""The CSO map's places: a sensitive organisation's exact point never leaves the server, the
GeoJSON is valid and matches the CSV, and every download honours the filters and visibility.

Also holds the helpers the other ``test_cso_map_*`` modules use to build organisations.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from crpm_plugins.cso_map import places
from crpm_plugins.cso_map.places import PlaceData, ProfileData, public_point
from crpm_plugins.cso_map.vocabulary import city_centre, country_centre
from flask import Flask
from openpyxl import load_workbook

from crpm_cms.plugin_api import FORMULA_PREFIXES, organisations, safe_cell

from .helpers import SECRET, add_organisation, csv_rows

SECRET_DIGITS = ("14.12", "16.65", "Ndiaganiao")






def xlsx_rows(body: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def mapped(app: Flask) -> dict[str, int]:
    """A small network: exact, city, region and country precision, a members-only one, and one
    without any place."""
    return {
        "exact": add_organisation(app, "Plateforme dakaroise", themes=("gender",),
                                  place=PlaceData("SN", "Dakar", "Dakar", 14.6928, -17.4467)),
        "city": add_organisation(app, "Femmes de retour de Thiès", themes=("gender", "return"),
                                 place=PlaceData("SN", "Thiès", "", 14.801234, -16.95432,
                                                 "city")),
        "region": add_organisation(app, "Collectif discret", themes=("gender",), place=SECRET),
        "country": add_organisation(app, "Réseau comorien", country="KM", themes=("diaspora",),
                                    place=PlaceData("KM", "Moroni", "", -11.70, 43.25,
                                                    "country")),
        "members": add_organisation(app, "Groupe réservé", themes=("gender",),
                                    visibility="members",
                                    place=PlaceData("SN", "Dakar", "", 14.70, -17.45)),
        "unplaced": add_organisation(app, "Association sans adresse", themes=("gender",)),
    }


# -- precision ------------------------------------------------------------------------------------


def test_each_precision_snaps_the_point_and_unplaceable_places_are_refused(app: Flask) -> None:
    with app.app_context():
        assert public_point(PlaceData("SN", "", "", 14.6928123, -17.4467123)) == (
            14.69281, -17.44671)
        assert public_point(PlaceData("SN", "Thiès", "", 14.8, -16.9, "city")) == \
            city_centre("SN", "thies")
        assert public_point(PlaceData("SN", "Village", "", 14.1234, -16.6543, "city")) == (
            14.1, -16.7)
        assert public_point(SECRET) == (14.0, -17.0)
        assert public_point(PlaceData("MA", "", "", 34.68, -1.9, "country")) == \
            country_centre("MA")
        assert public_point(PlaceData("SN", "Village", "", None, None, "city")) is None
        # places that cannot be shown are refused, field by field
        assert set(places.place_problems(PlaceData("SN", "", "", None, None))) == {"latitude"}
        assert set(places.place_problems(PlaceData("SN", "", "", 95.0, 200.0))) == {
            "latitude", "longitude"}
        assert set(places.place_problems(PlaceData("SN", "", "", 14.0, None))) == {"longitude"}
        assert set(places.place_problems(PlaceData("SN", "", "", 1.0, 1.0, "street"))) == {
            "precision"}
        assert set(places.place_problems(PlaceData("ZZ", "", "", 1.0, 1.0))) == {"country"}
        assert places.place_problems(PlaceData("SN", "Dakar", "", None, None, "city")) == {}


def shown(client) -> set[int]:  # type: ignore[no-untyped-def]
    """Ids of the organisations on the map for this visitor."""
    collection = json.loads(client.get("/map/organisations.geojson").data)
    return {feature["properties"]["id"] for feature in collection["features"]}


def test_no_exact_point_leaves_the_server_and_members_only_organisations_stay_hidden(
        app: Flask, client, mapped: dict[str, int], login) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        slug = organisations.get_visible(None, "collectif-discret").slug
    login("admin")  # even an administrator only sees it through the edit form
    pages = ["/map/", "/map/?q=discret", "/map/points.json", f"/map/popup?ids={mapped['region']}",
             "/map/organisations.geojson", "/map/organisations.csv", "/map/stats", "/",
             f"/organisations/{slug}", "/organisations/", "/api/v1/organisations",
             f"/api/v1/organisations/{slug}", "/api/v1/organisations?country=SN"]
    for url in pages:
        text = client.get(url).get_data(as_text=True)
        assert "Collectif discret" in text or url in ("/map/points.json", "/map/stats", "/")
        for secret in SECRET_DIGITS:
            assert secret not in text, f"{secret} shown by {url}"
    for row in xlsx_rows(client.get("/map/organisations.xlsx").data):
        assert not any(secret in str(cell) for cell in row for secret in SECRET_DIGITS)
    with zipfile.ZipFile(io.BytesIO(client.get("/map/hsds.zip").data)) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode()
            assert not any(secret in text for secret in SECRET_DIGITS), name
    editor = client.get(f"/map/organisations/{slug}/edit").get_data(as_text=True)
    assert "14.1235" in editor or "14.123456" in editor, "the editor keeps the exact point"
    client.post_form("/logout")  # members-only organisations: for members only
    assert mapped["members"] not in shown(client)
    assert "Groupe réservé" not in client.get(f"/map/popup?ids={mapped['members']}").get_data(
        as_text=True)
    assert "Groupe réservé" not in client.get("/map/?q=réservé").get_data(as_text=True)
    login("member")
    assert mapped["members"] in shown(client)
    assert "Groupe réservé" in client.get(f"/map/popup?ids={mapped['members']}").get_data(
        as_text=True)


# -- GeoJSON, CSV and the other downloads ----------------------------------------------------


def test_the_geojson_is_valid_and_matches_the_csv_and_the_list_for_the_same_filters(
        client, mapped) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/map/organisations.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    collection = json.loads(response.data)
    assert collection["type"] == "FeatureCollection"
    by_id = {}
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        assert set(feature["properties"]) == {"id", "name", "acronym", "kind", "country",
                                              "themes", "url", "precision"}
        by_id[feature["properties"]["id"]] = feature
    dakar = by_id[mapped["exact"]]
    assert dakar["geometry"]["coordinates"] == [-17.4467, 14.6928]  # [longitude, latitude]
    assert dakar["properties"]["themes"] == ["gender"]
    assert dakar["properties"]["url"].endswith("/organisations/plateforme-dakaroise")
    assert by_id[mapped["region"]]["geometry"]["coordinates"] == [-17.0, 14.0]
    assert by_id[mapped["country"]]["properties"]["precision"] == "country"
    assert mapped["members"] not in by_id, "members-only organisations stay hidden"
    assert mapped["unplaced"] not in by_id
    # the same organisations and points in the GeoJSON, the CSV and the list
    for query in ("", "?country=SN&theme=gender", "?kind=cso&q=th", "?country=KM",
                  "?theme=no-such-theme"):
        features = json.loads(client.get(f"/map/organisations.geojson{query}").data)["features"]
        points = sorted((f["properties"]["id"], *f["geometry"]["coordinates"]) for f in features)
        rows = csv_rows(client.get(f"/map/organisations.csv{query}").data)
        located = sorted((int(row["id"]), float(row["longitude"]), float(row["latitude"]))
                         for row in rows if row["latitude"])
        assert points == located, query
        listed = {int(row["id"]) for row in rows}
        page = client.get(f"/map/{query}").get_data(as_text=True)
        assert {i for i in mapped.values() if f'id="organisation-{i}"' in page} == listed, query

    def ids(query: str) -> set[int]:
        return {int(row["id"]) for row in csv_rows(client.get(f"/map/organisations.csv{query}")
                                                   .data)}

    assert ids("?country=KM") == {mapped["country"]}
    assert ids("?theme=return") == {mapped["city"]}
    assert ids("?country=SN&theme=gender") == {mapped[k] for k in ("exact", "city", "region",
                                                                   "unplaced")}
    assert ids("?country=ZZ") == set()


def test_directory_filters_fields_and_points(
        app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    youth = add_organisation(app, "Jeunes de Kolda", profile=ProfileData(
        ["youth", "returnees"], "targeted", ["fr", "wo"]),
        place=PlaceData("SN", "Kolda", "", None, None, "city"))
    add_organisation(app, "Femmes de Ziguinchor", profile=ProfileData(["women_migrants"],
                                                                       "mainstreamed", ["fr"]))
    rows = csv_rows(client.get("/map/organisations.csv?target_group=youth").data)
    assert [row["name"] for row in rows] == ["Jeunes de Kolda"]
    assert rows[0]["target_groups"] == "returnees;youth" and rows[0]["working_languages"] == "fr;wo"
    assert rows[0]["gender_focus"] == "targeted" and rows[0]["city"] == "Kolda"
    api = client.get("/api/v1/organisations?target_group=youth&gender_focus=targeted").json
    assert [item["id"] for item in api["results"]] == [youth]
    assert api["results"][0]["places"][0]["city"] == "Kolda"
    assert api["results"][0]["target_groups"] == ["returnees", "youth"]
    assert client.get("/api/v1/organisations?gender_focus=mainstreamed").json["total"] == 1
    assert client.get("/api/v1/organisations?gender_focus=unknown").json["total"] == 0
    # the map draws one point for the organisations at one place; its popup lists them
    other = add_organisation(app, "Autre association de Kolda",
                             place=PlaceData("SN", "Kolda", "", None, None, "city"))
    answer = client.get("/map/points.json?country=SN").json["points"]
    kolda = [point for point in answer if youth in point[2]]
    assert len(kolda) == 1 and sorted(kolda[0][2]) == sorted([youth, other])
    popup = client.get(f"/map/popup?ids={youth},{other},abc").get_data(as_text=True)
    assert "Jeunes de Kolda" in popup and "Autre association de Kolda" in popup


def test_spreadsheet_cells_that_look_like_formulas_are_neutralised(
        app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    add_organisation(app, "=HYPERLINK(\"http://evil.example\",\"clic\")", acronym="+SUM(A1)",
                     place=PlaceData("SN", "@Dakar", "", 14.7, -17.4))
    row = csv_rows(client.get("/map/organisations.csv").data)[0]
    assert row["name"].startswith("'=") and row["acronym"] == "'+SUM(A1)"
    assert row["city"] == "'@Dakar"
    header, first = xlsx_rows(client.get("/map/organisations.xlsx").data)[:2]
    cells = dict(zip(header, first, strict=True))
    assert str(cells["name"]).startswith("'=") and cells["latitude"] == 14.7
    for prefix in FORMULA_PREFIXES:
        assert safe_cell(f"{prefix}1") == f"'{prefix}1"
    assert safe_cell(-17.4) == -17.4 and safe_cell("Dakar") == "Dakar"


def test_the_hsds_package_links_organisations_locations_and_identifiers(app: Flask,  # type: ignore[no-untyped-def]
                                                                        client) -> None:
    add_organisation(app, "Réseau identifié", identifiers=[("SN-NINEA", "0099887")],
                     place=PlaceData("SN", "Dakar", "Dakar", 14.7, -17.45))
    add_organisation(app, "Réseau tunisien", country="TN",
                     place=PlaceData("TN", "Tunis", "", 36.8, 10.18))
    with zipfile.ZipFile(io.BytesIO(client.get("/map/hsds.zip?country=SN").data)) as archive:
        tables = {name[:-4]: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
                  for name in archive.namelist() if name.endswith(".csv")}
        package = json.loads(archive.read("datapackage.json"))
    assert {r["name"] for r in package["resources"]} == {
        "organization", "location", "address", "organization_identifier"}
    (organisation,) = tables["organization"]
    assert organisation["name"] == "Réseau identifié"
    (location,) = tables["location"]
    assert location["organization_id"] == organisation["id"] and location["latitude"] == "14.7"
    assert tables["address"][0]["location_id"] == location["id"]
    assert tables["address"][0]["country"] == "SN"
    (identifier,) = tables["organization_identifier"]
    assert (identifier["organization_id"], identifier["identifier_scheme"],
            identifier["identifier"]) == (organisation["id"], "SN-NINEA", "0099887")
