"""The map in the site's search: each organisation on the map is found by its public places,
target groups and languages (kind ``cso``), follows changes at once, never reveals a place
shown only by region or country, and leaves the results while the plugin is off."""

from __future__ import annotations

from crpm_plugins.cso_map.places import PlaceData, ProfileData
from flask import Flask

from crpm_cms.plugin_api import Organisation, db, organisations
from crpm_cms.testing import set_plugin_enabled as set_enabled

from .helpers import SECRET, add_organisation


def found(client, query: str, kind: str = "cso") -> list[dict]:  # type: ignore[no-untyped-def]
    answer = client.get(f"/api/v1/search?q={query}&kind={kind}").json
    return answer["results"]


def test_organisations_on_the_map_are_found_by_place_and_target_group(
        app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    add_organisation(app, "Jeunesse active", themes=("return",),
                     place=[PlaceData("SN", "Kolda", "Kolda", 12.89, -14.94, "city"),
                            PlaceData("FR", "Montreuil", "", 48.86, 2.44)],
                     profile=ProfileData(["youth", "returnees"], "targeted", ["fr", "ff"]))
    (hit,) = found(client, "Kolda")
    assert hit["title"] == "Jeunesse active — Kolda, Montreuil"
    assert hit["url"].startswith("http://localhost/map/?q=Jeunesse+active#10/12.894/-14.941")
    assert sorted(hit["countries"]) == ["FR", "SN"]
    assert [h["title"] for h in found(client, "migrants%20de%20retour")] == [hit["title"]]
    assert [h["title"] for h in found(client, "young")] == [hit["title"]]
    assert found(client, "Kolda", kind="organisation") == [], "the core's record is separate"
    page = client.get("/search?q=Kolda").get_data(as_text=True)
    assert "Organisation sur la carte" in page


def test_a_place_shown_by_region_is_not_searchable_by_its_city(app: Flask, client,  # type: ignore[no-untyped-def]
                                                               login) -> None:
    add_organisation(app, "Collectif discret", place=SECRET)
    add_organisation(app, "Groupe réservé", visibility="members",
                     place=PlaceData("SN", "Louga", "", 15.61, -16.22, "city"))
    assert found(client, SECRET.city) == []
    assert [h["title"] for h in found(client, "Thiès")] == ["Collectif discret — Thiès"]
    assert found(client, "Louga") == [], "members-only organisations stay hidden"
    login("member")
    assert [h["title"] for h in found(client, "Louga")] == ["Groupe réservé — Louga"]


def test_changes_reach_the_search_at_once_and_a_disabled_map_leaves_it(
        app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    organisation_id = add_organisation(app, "Ancien nom", place=PlaceData(
        "SN", "Kaffrine", "", 14.1, -15.55, "city"))
    assert [h["title"] for h in found(client, "Kaffrine")] == ["Ancien nom — Kaffrine"]
    with app.test_request_context("/"):
        organisation = db.session.get(Organisation, organisation_id)
        organisations.save(organisation, organisations.OrganisationData(
            name="Nouveau nom", kind="cso", country_code="SN"), None)
    assert [h["title"] for h in found(client, "Kaffrine")] == ["Nouveau nom — Kaffrine"]
    with app.test_request_context("/"):
        organisations.delete(db.session.get(Organisation, organisation_id), None)
    assert found(client, "Kaffrine") == []
    add_organisation(app, "Réseau de Sédhiou", place=PlaceData("SN", "Sédhiou", "", 12.71,
                                                               -15.56, "city"))
    assert len(found(client, "Sedhiou")) == 1
    with app.app_context():
        set_enabled("cso_map", False)
    assert found(client, "Sedhiou") == []
    with app.app_context():
        set_enabled("cso_map", True)
    assert len(found(client, "Sedhiou")) == 1
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert len(found(client, "Sedhiou")) == 1
