"""The map's pages and everything it adds to the core: the filtered list that works without
JavaScript, statistics, blocks on core pages, the record editor, the API, the tile server's
CSP, switching the plugin off and on, demo data and deleting its data."""

from __future__ import annotations

import json

import pytest
from crpm_plugins.cso_map.models import Place
from crpm_plugins.cso_map.places import PlaceData, ProfileData
from flask import Flask
from sqlalchemy import func, select

from crpm_cms.plugin_api import ConfigError, Organisation, db
from crpm_cms.testing import accounts, queries_of_page
from crpm_cms.testing import set_plugin_enabled as set_enabled

from .helpers import add_organisation, csv_rows

TILES = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"


def slug_of(app: Flask, organisation_id: int) -> str:
    with app.app_context():
        return db.session.get(Organisation, organisation_id).slug


@pytest.fixture
def network(app: Flask) -> dict[str, int]:
    return {
        "dakar": add_organisation(app, "Plateforme de Dakar", kind="network",
                                  themes=("gender", "governance"),
                                  place=PlaceData("SN", "Dakar", "", 14.69, -17.44),
                                  profile=ProfileData(["youth"], "targeted", ["fr", "wo"])),
        "thies": add_organisation(app, "Femmes de Thiès", themes=("gender",),
                                  place=PlaceData("SN", "Thiès", "", None, None, "city")),
        "tunis": add_organisation(app, "Forum de Tunis", country="TN", themes=("governance",),
                                  place=PlaceData("TN", "Tunis", "", 36.8, 10.18)),
    }


def test_the_map_page_is_a_filtered_list_and_statistics_count_the_selection(
        client, network) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/map/?country=SN&theme=gender").get_data(as_text=True)
    assert "Plateforme de Dakar" in page and "Femmes de Thiès" in page
    assert "Forum de Tunis" not in page
    assert '<option selected value="SN">' in page
    assert 'id="cso-map"' in page and " hidden" in page, "the map box waits for its script"
    assert 'data-points="/map/points.json?country=SN&amp;theme=gender"' in page
    assert 'href="/map/organisations.csv?country=SN&amp;theme=gender"' in page
    assert "2 organisations" in page
    assert "<script" not in page.split("</main>")[0], "no inline script, scripts at the end"
    youth = client.get("/map/?target_group=youth&gender_focus=targeted").get_data(as_text=True)
    assert "Plateforme de Dakar" in youth and "Femmes de Thiès" not in youth
    empty = client.get("/map/?country=SN&theme=return&page=99").get_data(as_text=True)
    assert "Aucune organisation ne correspond à ces filtres." in empty
    # statistics of the same selection, by country, kind, theme and gender focus
    page = client.get("/map/stats?lang=en").get_data(as_text=True)
    assert "3 organisations" in page and "3 of them on the map" in page
    assert '<th scope="row">Senegal</th><td class="number">2</td>' in page
    assert '<th scope="row">Tunisia</th><td class="number">1</td>' in page
    assert '<th scope="row">Network</th><td class="number">1</td>' in page
    assert '<th scope="row">Gender and migration</th><td class="number">2</td>' in page
    assert '<th scope="row">Gender-targeted activities</th><td class="number">1</td>' in page
    assert '<th scope="row">No specific gender focus</th><td class="number">2</td>' in page
    assert '<svg class="cso-map-chart"' in page and 'role="img"' in page
    filtered = client.get("/map/stats?country=TN&lang=en").get_data(as_text=True)
    assert "1 organisation" in filtered and '<th scope="row">Senegal</th>' not in filtered


def test_blocks_on_core_pages(
        app: Flask, client, people, network, login) -> None:  # type: ignore[no-untyped-def]
    home = client.get("/?lang=en").get_data(as_text=True)
    assert 'class="cso-map-home"' in home and "3 organisations" in home
    assert 'href="/map/"' in home
    listing = client.get("/organisations/?country=SN&kind=network").get_data(as_text=True)
    assert 'href="/map/?country=SN&amp;kind=network"' in listing
    slug = slug_of(app, network["dakar"])
    page = client.get(f"/organisations/{slug}?lang=en").get_data(as_text=True)
    assert "On the map" in page and "Young people" in page and "Gender-targeted" in page
    assert "Edit the map record" not in page and "Propose a change" not in page
    login("editor")  # editor of Senegal
    assert "Edit the map record" in client.get(f"/organisations/{slug}?lang=en").get_data(
        as_text=True)
    with app.app_context():
        accounts.set_organisation(accounts.find_by_email(people["member"]), network["dakar"])
    member = app.test_client()
    from crpm_cms.testing import sign_in

    sign_in(member, people["member"])
    assert "Propose a change" in member.get(f"/organisations/{slug}?lang=en").get_data(
        as_text=True)


def test_editors_of_the_country_edit_places_and_directory_fields(app: Flask, client, login,  # type: ignore[no-untyped-def]
                                                                 network) -> None:
    slug = slug_of(app, network["thies"])
    url = f"/map/organisations/{slug}/edit"
    login("editor")
    form = client.get(url).get_data(as_text=True)
    assert 'name="places-0-city" type="text" value="Thiès"' in form
    assert 'name="places-1-city"' in form, "an empty row to add a place"
    bad = client.post_form(url, {"places-0-country": "SN", "places-0-city": "Thiès",
                                 "places-0-latitude": "91", "places-0-longitude": "-16.9",
                                 "places-0-precision": "exact", "gender_focus": "none"})
    assert bad.status_code == 400 and "de -90 à 90" in bad.get_data(as_text=True)
    saved = client.post_form(url, {
        "places-0-country": "SN", "places-0-city": "Thiès", "places-0-latitude": "14.7901",
        "places-0-longitude": "-16.9302", "places-0-precision": "region",
        "places-1-country": "FR", "places-1-city": "Paris", "places-1-precision": "city",
        "target_groups": ["women_migrants", "returnees"], "gender_focus": "mainstreamed",
        "working_languages": "fr, wo", "verified": "y"})
    assert saved.status_code == 302
    rows = csv_rows(client.get("/map/organisations.csv?q=Thi").data)
    assert [(r["country"], r["city"], r["region"], r["latitude"], r["precision"]) for r in rows] \
        == [("SN", "", "", "15.0", "region"), ("SN", "Paris", "", "48.857", "city")]
    assert rows[0]["target_groups"] == "returnees;women_migrants"
    assert rows[0]["last_verified"] != ""
    client.post_form("/logout")
    login("editor_other_country")
    assert client.get(url).status_code == 403


def test_the_number_of_queries_does_not_grow_with_the_data(
        app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    urls = ("/map/", "/map/organisations.geojson", "/map/points.json", "/map/stats",
            "/api/v1/organisations")
    for number in range(2):
        add_organisation(app, f"Association {number}", themes=("gender",),
                         place=PlaceData("SN", "Dakar", "", 14.7, -17.4),
                         profile=ProfileData(["women_migrants"], "none", []))
    few = [queries_of_page(app, client, url) for url in urls]
    for number in range(2, 14):
        add_organisation(app, f"Association {number}", themes=("gender", "1"),
                         place=[PlaceData("SN", "Dakar", "", 14.7 + number / 100, -17.4),
                                PlaceData("FR", "Paris", "", None, None, "city")],
                         profile=ProfileData(["youth"], "targeted", ["fr"]))
    assert [queries_of_page(app, client, url) for url in urls] == few


def test_the_tile_server_is_allowed_for_images_on_the_map_page_only(
        make_app) -> None:  # type: ignore[no-untyped-def]
    plain = make_app().test_client()
    assert plain.get("/map/").headers["Content-Security-Policy"] == \
        plain.get("/").headers["Content-Security-Policy"]
    assert "data-tiles" not in plain.get("/map/").get_data(as_text=True)
    tiled = make_app(MAP_TILES_URL=TILES, MAP_TILES_ATTRIBUTION="© Contributeurs").test_client()
    policy = tiled.get("/map/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in policy
    assert "script-src 'self';" in policy
    assert "tiles.example.org" not in tiled.get("/map/stats").headers["Content-Security-Policy"]
    assert "tiles.example.org" not in tiled.get("/").headers["Content-Security-Policy"]
    page = tiled.get("/map/").get_data(as_text=True)
    assert f'data-tiles="{TILES}"' in page and "© Contributeurs" in page
    for wrong in ("ftp://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/a.png",
                  "https://tiles.example.org/{z}/{x}/{y}.png; script-src *"):
        with pytest.raises(ConfigError, match="MAP_TILES_URL"):
            make_app(MAP_TILES_URL=wrong)


def test_a_disabled_plugin_shows_nothing_and_keeps_its_data(app: Flask, client, people,  # type: ignore[no-untyped-def]
                                                            network) -> None:
    from crpm_cms.testing import sign_in

    admin = app.test_client()
    sign_in(admin, people["admin"])
    slug = slug_of(app, network["dakar"])
    before = json.loads(client.get("/map/organisations.geojson").data)

    def shown() -> dict[str, bool]:
        home = client.get("/").get_data(as_text=True)
        api = client.get("/api/v1/organisations?target_group=youth").json
        described = client.get("/api/v1/openapi.json").json
        parameters = {parameter["name"] for parameter
                      in described["paths"]["/organisations"]["get"]["parameters"]}
        return {
            "map": client.get("/map/").status_code == 200,
            "files": client.get("/map/organisations.geojson").status_code == 200,
            "static": client.get("/map/static/map.js").status_code == 200,
            "menu": 'href="/map/"' in home, "home": "cso-map-home" in home,
            "page": "cso-map-record" in client.get(f"/organisations/{slug}").get_data(
                as_text=True),
            "list": "cso-map-list-link" in client.get("/organisations/").get_data(as_text=True),
            "api fields": "places" in api["results"][0],
            "api filter": api["total"] == 1,
            "api filters described": {"target_group", "gender_focus"} <= parameters,
            "api fields described": "places" in described["components"]["schemas"][
                "Organisation"]["properties"],
            "dashboard": "/map/moderation" in admin.get("/admin/").get_data(as_text=True),
        }

    assert all(shown().values()), shown()
    with app.app_context():
        set_enabled("cso_map", False)
    assert not any(shown().values()), shown()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Place)) == 3, "data kept"
    with app.app_context():
        set_enabled("cso_map", True)
    assert all(shown().values()), shown()
    assert json.loads(client.get("/map/organisations.geojson").data) == before


def test_demo_data_places_the_demo_organisations_and_deleting_data_is_explicit(
        app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    from crpm_cms.testing import load_demo_data

    with app.app_context():
        load_demo_data("demo-password-2026")
        for _ in range(2):  # `crpm demo` runs it on every call
            app.extensions["crpm_plugins"].answers("load_demo_data", enabled_only=False)
        total = db.session.scalar(select(func.count()).select_from(Place))
        precisions = set(db.session.scalars(select(Place.precision)))
    rows = csv_rows(client.get("/map/organisations.csv").data)
    assert {row["country"] for row in rows if row["latitude"]} == {
        "SN", "CI", "GN", "CM", "KM", "MG", "MA", "TN", "FR"}
    assert total == sum(1 for row in rows if row["latitude"])
    assert {"exact", "city", "region", "country"} <= precisions
    # deleting the map's data needs --yes and keeps the organisations
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["cso_map", "delete-data"])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert len(json.loads(client.get("/map/organisations.geojson").data)["features"]) == total
    assert runner.invoke(args=["cso_map", "delete-data", "--yes"]).exit_code == 0
    assert json.loads(client.get("/map/organisations.geojson").data)["features"] == []
    assert len(csv_rows(client.get("/map/organisations.csv").data)) == len(
        {row["id"] for row in rows}), "the organisations stay"
