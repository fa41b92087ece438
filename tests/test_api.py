"""JSON API: token authentication, visibility rules, and a valid OpenAPI description."""

from __future__ import annotations

from openapi_spec_validator import validate

from crpm_cms.organisations import services as organisations
from crpm_cms.users import services as accounts


def add_organisations(app) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        for name, country, visibility in [("Réseau public", "SN", "public"),
                                          ("Collectif discret", "SN", "members"),
                                          ("Forum ivoirien", "CI", "public")]:
            organisations.save(None, organisations.OrganisationData(
                name=name, kind="cso", country_code=country, visibility=visibility), None)


def bearer(app, email: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        secret = accounts.create_api_token(accounts.find_by_email(email), "test").secret
    return {"Authorization": f"Bearer {secret}"}


def test_members_only_organisations_need_a_token(app, people) -> None:  # type: ignore[no-untyped-def]
    add_organisations(app)
    client = app.test_client()
    anonymous = client.get("/api/v1/organisations?country=SN").json
    assert [item["name"] for item in anonymous["results"]] == ["Réseau public"]
    member = client.get("/api/v1/organisations?country=SN",
                        headers=bearer(app, people["member"])).json
    assert [item["name"] for item in member["results"]] == ["Collectif discret", "Réseau public"]
    assert client.get("/api/v1/organisations/collectif-discret").status_code == 404


def test_filters_and_pagination_never_fail(app) -> None:  # type: ignore[no-untyped-def]
    add_organisations(app)
    client = app.test_client()
    assert client.get("/api/v1/organisations?page=99").json["results"] == []
    assert client.get("/api/v1/organisations?page=-3").status_code == 200
    assert client.get("/api/v1/organisations?kind=%27%3B--").json["total"] == 0


def test_reference_data(client) -> None:  # type: ignore[no-untyped-def]
    countries = client.get("/api/v1/countries").json["results"]
    assert {c["code"] for c in countries} == {"CM", "KM", "CI", "GN", "MG", "MA", "SN", "TN",
                                              "FR"}
    assert next(c for c in countries if c["code"] == "MA")["timezone"] == "Africa/Casablanca"
    themes = client.get("/api/v1/themes").json["results"]
    assert sum(1 for t in themes if t["vocabulary"] == "gcm_objective") == 23


def test_openapi_document_is_valid(client) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert "/organisations" in document["paths"]


def test_the_api_ignores_cookies_for_csrf_but_needs_tokens_for_me(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.is_json
