"""``/api/v1/indicators``: definitions and values to read, values to write with a focal point's
token for its own countries only, the OpenAPI description, and the participation series that
come from the core registration service (aggregates only)."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crpm_cms.testing import accounts

from .helpers import BY_SEX, enter_values, stored

pytest.importorskip("crpm_plugins.indicators.models")


def token_for(app: Flask, email: str) -> dict[str, str]:
    with app.app_context():
        token = accounts.create_api_token(accounts.find_by_email(email), "indicateurs")
        return {"Authorization": f"Bearer {token.secret}"}


@pytest.fixture
def focal_token(app: Flask, people: dict[str, str]) -> dict[str, str]:
    return token_for(app, people["focal_point"])


def post(client: FlaskClient, headers: dict[str, str], values: list[dict], **extra: object):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/indicators/CRPM-01/data?lang=en", json={"values": values,
                                                                         **extra},
                       headers=headers)


def test_definitions_and_values_can_be_read_and_are_described(app: Flask,
                                                                client: FlaskClient) -> None:
    enter_values(app, "CRPM-01", BY_SEX)
    listing = client.get("/api/v1/indicators?lang=en").json["results"]
    first = next(item for item in listing if item["code"] == "CRPM-01")
    assert first["name_en"] == "People who died or went missing during migration"
    assert {"framework": "sdg", "target": "10.7"} in first["frameworks"]
    assert first["disaggregations"] == ["sex"] and first["computed"] is False
    assert first["data_url"].endswith("/api/v1/indicators/CRPM-01/data")
    women = client.get("/api/v1/indicators/CRPM-01/data?country=GN&sex=F&year=2023").json
    assert women["results"] == [{"country": "GN", "period": "2023", "year": 2023,
                                 "breakdown": {"sex": "F"}, "value": 44.0, "notes": "",
                                 "source": "", "evidence": []}]
    assert client.get("/api/v1/indicators/NOPE/data").status_code == 404

    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert set(document["paths"]["/indicators/{code}/data"]) == {"get", "post"}
    assert "NewIndicatorValues" in document["components"]["schemas"]


def test_a_focal_point_writes_its_own_countrys_values_only(app: Flask, client: FlaskClient,
                                                               focal_token: dict) -> None:
    values = [{"country": "SN", "period": "2023", "value": 388},
              {"country": "SN", "period": "2023", "breakdown": {"sex": "F"}, "value": "70"},
              {"country": "Sénégal", "period": "2023", "breakdown": {"sex": "M"}, "value": 310,
               "source": "Protection civile"}]
    checked = post(client, focal_token, values, dry_run=True)
    assert checked.status_code == 200 and checked.json == {"dry_run": True, "checked": 3}
    assert stored(app, "CRPM-01") == []
    saved = post(client, focal_token, values)
    assert saved.json == {"dry_run": False, "added": 3, "changed": 0, "unchanged": 0}
    again = post(client, focal_token, values)
    assert again.json == {"dry_run": False, "added": 0, "changed": 0, "unchanged": 3}
    assert stored(app, "CRPM-01") == [("SN", "2023", "", 388.0), ("SN", "2023", "sex=F", 70.0),
                                      ("SN", "2023", "sex=M", 310.0)]

    # Senegal's focal point and Guinea's values: refused whole, nothing stored
    enter_values(app, "CRPM-01", [r for r in BY_SEX if r[0] != "SN"])
    before = stored(app, "CRPM-01")
    response = post(client, focal_token, [{"country": "SN", "period": "2023", "value": 1},
                                          {"country": "GN", "period": "2023", "value": 1}])
    assert response.status_code == 403
    assert response.json["message"] == ("The account of this token may not enter values for "
                                        "Guinea.")
    assert stored(app, "CRPM-01") == before


def test_writes_need_a_token_with_the_right_and_good_values(
        app: Flask, client: FlaskClient, login, people: dict[str, str],  # type: ignore[no-untyped-def]
        focal_token: dict) -> None:
    value = [{"country": "SN", "period": "2023", "value": 1}]
    assert post(client, {}, value).status_code == 401
    member = token_for(app, people["member"])
    assert post(client, member, value).status_code == 403
    editor = token_for(app, people["editor"])
    assert post(client, editor, value).status_code == 403
    browser = login("focal_point")  # a signed-in browser's cookie is not enough
    assert browser.post("/api/v1/indicators/CRPM-01/data", json={"values": value}
                        ).status_code == 401
    response = post(client, focal_token, [
        {"country": "SN", "period": "2023", "value": 388},
        {"country": "Atlantide", "period": "2023", "value": 1},
        {"country": "SN", "period": "3023", "breakdown": {"sex": "X"}, "value": "beaucoup"},
        {"country": "SN", "period": "2023", "value": 390},
        "not an object"])
    assert response.status_code == 400
    assert response.json["problems"] == [
        {"item": 2, "field": "country", "message": "unknown country “Atlantide”"},
        {"item": 3, "field": "period", "message": (
            "year out of range: 3023 is not between 1990 and "
            f"{date.today().year}")},
        {"item": 3, "field": "breakdown.sex", "message": "“X” is not one of: Total, Women, Men"},
        {"item": 3, "field": "value", "message": "text in a number column: “beaucoup”"},
        {"item": 4, "field": "country, period, breakdown.sex", "message": (
            "duplicate row: the same country, period and disaggregation as row 1")},
        {"item": 5, "field": "country", "message": "empty: choose the country"},
        {"item": 5, "field": "period", "message": "empty: type the year"},
        {"item": 5, "field": "value", "message": "empty: type the value, or leave the whole "
                                                 "row out"}]
    assert stored(app, "CRPM-01") == []
    assert post(client, focal_token, []).status_code == 400
    assert client.post("/api/v1/indicators/CRPM-01/data", data="{", headers={
        **focal_token, "Content-Type": "application/json"}).status_code == 400


# -- participation: a ready-made series from the core registration service -----------------------


def attended(app: Flask, external_id: int, people: list[tuple[str, str, str]],
             starts_on: date) -> None:
    """People (e-mail, country, gender) who attended one event of the webinars plugin."""
    from crpm_cms.plugin_api import registrations

    with app.app_context():
        activity = registrations.ensure_activity("webinars.event", external_id, capacity=None,
                                                 starts_on=starts_on)
        for email, country, gender in people:
            user = accounts.find_by_email(email) or accounts.create_user(
                email, email.split("@")[0], "correct horse battery")
            user.country_code, user.gender = country, gender
            registration = registrations.register(activity, user)
            registrations.transition(registration, "mark_attended", None)


def test_participation_in_events_is_a_series_by_country_and_sex(app: Flask,
                                                                client: FlaskClient) -> None:
    women = [(f"femme{n}@sn.example", "SN", "woman") for n in range(4)]
    men = [(f"homme{n}@sn.example", "SN", "man") for n in range(3)]
    # groups of one person are merged into "other" (3 people together), never shown
    lonely = [("seul@ci.example", "CI", "man"), ("seule@ci.example", "CI", "woman"),
              ("seule@ma.example", "MA", "woman")]
    attended(app, 1, women + men + lonely, date(2025, 3, 12))
    answer = client.get("/api/v1/indicators/CRPM-P1/data").json["results"]
    assert [(r["country"], r["year"], r["breakdown"], r["value"]) for r in answer] == [
        ("SN", 2025, {}, 7.0), ("SN", 2025, {"sex": "F"}, 4.0), ("SN", 2025, {"sex": "M"}, 3.0)]
    page = client.get("/indicators/CRPM-P1?lang=en").get_data(as_text=True)
    assert "Senegal, 2025: 7" in page and "Women, SN: 4" in page
    chart = page.split('id="main-chart-title"')[1].split("</svg>")[0]
    assert "Côte" not in chart and "Morocco" not in chart
    refused = client.post("/api/v1/indicators/CRPM-P1/data", json={"values": []},
                          headers=token_for(app, accounts_admin(app)))
    assert refused.status_code == 400


def accounts_admin(app: Flask) -> str:
    with app.app_context():
        user = accounts.create_user("admin-api@test.crpm", "Admin", "correct horse battery")
        accounts.set_roles(user, [("admin", None)])
        return user.email
