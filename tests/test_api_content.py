"""The content and library API: live items only, members-only documents only for members' tokens,
writes by token holders with the right permission, clear 400s, harmless HTML, valid OpenAPI."""

from __future__ import annotations

import io
import uuid

import pytest
from flask import Flask
from openapi_spec_validator import validate
from sqlalchemy import select

from crpm_cms.content.models import ContentItem
from crpm_cms.extensions import db
from crpm_cms.library.models import LibraryDocument
from crpm_cms.testing import counted_queries
from crpm_cms.users import services as accounts
from tests.test_feeds import add_document, add_item, hidden_items
from tests.test_home import bulk_items


def bearer(app: Flask, email: str) -> dict[str, str]:
    with app.app_context():
        secret = accounts.create_api_token(accounts.find_by_email(email), "test").secret
    return {"Authorization": f"Bearer {secret}"}


# -- reading news and publications ----------------------------------------------------------------


def test_news_lists_live_items_newest_first_with_their_fields(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    key = str(uuid.uuid4())
    add_item(app, "news", "Bonjour", slug="bonjour", language="fr", translation_key=key,
             hours_ago=2, country_code="SN", themes=["gender"])
    add_item(app, "news", "Hello", slug="hello", language="en", translation_key=key, hours_ago=1)
    hidden_items(app, "news")

    body = client.get("/api/v1/news").json

    assert body["page"] == 1 and body["per_page"] == 20 and body["next"] is None
    assert [item["slug"] for item in body["results"]] == ["hello", "bonjour"]
    bonjour = body["results"][1]
    assert bonjour["language"] == "fr" and bonjour["country"] == "SN"
    assert bonjour["themes"] == ["gender"] and bonjour["body_html"] == "<p>Bonjour</p>"
    assert bonjour["url"] == "http://localhost/news/bonjour"
    assert bonjour["published_at"].endswith("Z") and bonjour["status"] == "published"
    assert bonjour["translations"] == [{"language": "en", "slug": "hello",
                                        "url": "http://localhost/news/hello"}]
    assert client.get("/api/v1/news/bonjour").json["translations"][0]["slug"] == "hello"


def test_news_filters_and_pages(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    add_item(app, "news", "Sénégal genre", country_code="SN", themes=["gender"], language="fr")
    add_item(app, "news", "Côte d'Ivoire", country_code="CI", language="fr")
    add_item(app, "news", "English", country_code="SN", language="en")

    def slugs(query: str) -> list[str]:
        return [item["title"] for item in client.get(f"/api/v1/news?{query}").json["results"]]

    assert slugs("country=CI") == ["Côte d'Ivoire"]
    assert slugs("language=en") == ["English"]
    assert slugs("theme=gender") == ["Sénégal genre"]
    assert slugs("country=ZZ") == []
    first = client.get("/api/v1/news?per_page=1&country=SN").json
    assert [item["title"] for item in first["results"]] == ["English"]
    assert first["previous"] is None
    assert first["next"] == "http://localhost/api/v1/news?per_page=1&country=SN&page=2"
    second = client.get(first["next"]).json
    assert [item["title"] for item in second["results"]] == ["Sénégal genre"]
    assert second["next"] is None
    assert second["previous"].endswith("page=1")
    paged = client.get("/api/v1/news?per_page=2&page=2").json
    assert len(paged["results"]) == 1 and paged["next"] is None


def test_publications_filter_by_type(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    add_item(app, "publication", "Une note", document_type="position_note", slug="une-note")
    add_item(app, "publication", "Une étude", document_type="study")
    results = client.get("/api/v1/publications?type=position_note").json["results"]
    assert [item["slug"] for item in results] == ["une-note"]
    assert results[0]["type"] == "position_note"
    assert client.get("/api/v1/publications/une-note").json["url"] == (
        "http://localhost/notes/une-note")


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=0", "page=abc",
                                   "per_page=lots"])
def test_bad_paging_is_a_clear_400(client, query: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/news?{query}")
    assert response.status_code == 400
    assert set(response.json["fields"]) <= {"page", "per_page"} and response.json["fields"]


def test_hidden_items_are_not_found(app: Flask, client, people) -> None:  # type: ignore[no-untyped-def]
    hidden_items(app, "news")
    for slug in ("hidden-draft", "hidden-scheduled", "hidden-expired", "hidden-unpublished"):
        assert client.get(f"/api/v1/news/{slug}").status_code == 404
        member = bearer(app, people["member"])
        assert client.get(f"/api/v1/news/{slug}", headers=member).status_code == 404
    assert client.get("/api/v1/news").json["results"] == []
    assert client.get("/api/v1/publications/hidden-draft").status_code == 404


def test_list_query_count_does_not_grow(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    counts = []
    for total, start in ((10, 0), (200, 10)):
        bulk_items(app, "news", total - start, start=start)
        with counted_queries(app) as queries:
            assert len(client.get("/api/v1/news?per_page=100").json["results"]) == min(total, 100)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# -- reading the library --------------------------------------------------------------------------


def test_members_only_documents_need_a_members_token(app: Flask, client, people) -> None:  # type: ignore[no-untyped-def]
    add_document(app, "Étude publique", slug="publique", year=2024, language="fr")
    add_document(app, "Étude réservée", slug="reservee", access="members", year=2023)
    add_document(app, "Retirée", slug="retiree", published=False)

    anonymous = client.get("/api/v1/documents")
    assert [d["slug"] for d in anonymous.json["results"]] == ["publique"]
    assert b"reservee" not in anonymous.data and b"retiree" not in anonymous.data
    assert client.get("/api/v1/documents/reservee").status_code == 404
    assert client.get("/api/v1/documents?year=2023").json["results"] == []

    member = bearer(app, people["member"])
    found = client.get("/api/v1/documents", headers=member).json["results"]
    assert sorted(d["slug"] for d in found) == ["publique", "reservee"]
    detail = client.get("/api/v1/documents/reservee", headers=member).json
    assert detail["access"] == "members"
    assert detail["download_url"] == "http://localhost/library/reservee/download"
    assert client.get("/api/v1/documents/retiree", headers=member).status_code == 404
    wrong = {"Authorization": "Bearer not-a-real-token"}
    assert client.get("/api/v1/documents/reservee", headers=wrong).status_code == 404


def test_documents_filters(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    add_document(app, "Diagnostic 2022", slug="diag", document_type="diagnostic", year=2022,
                 language="en")
    add_document(app, "Étude 2024", slug="etude", year=2024)

    def slugs(query: str) -> list[str]:
        return [d["slug"] for d in client.get(f"/api/v1/documents?{query}").json["results"]]

    assert slugs("type=diagnostic") == ["diag"]
    assert slugs("year=2024") == ["etude"]
    assert slugs("language=en") == ["diag"]
    assert client.get("/api/v1/documents?year=last").status_code == 400


# -- writing --------------------------------------------------------------------------------------


NEWS = {"title": "Atelier régional à Rabat", "summary": "Trois jours d'échanges.",
        "body_html": "<p>Les <strong>réseaux</strong> se sont réunis.</p>", "language": "fr",
        "country": "SN", "themes": ["gender", "diaspora"]}


def test_an_editor_token_creates_a_draft(app: Flask, client, people) -> None:  # type: ignore[no-untyped-def]
    editor = bearer(app, people["editor"])
    response = client.post("/api/v1/news", json=NEWS, headers=editor)

    assert response.status_code == 201
    created = response.json
    assert created["status"] == "draft" and created["title"] == NEWS["title"]
    assert created["themes"] == ["gender", "diaspora"] and created["country"] == "SN"
    assert response.headers["Location"] == f"http://localhost/api/v1/news/{created['slug']}"
    assert client.get(response.headers["Location"], headers=editor).json["id"] == created["id"]
    assert client.get(response.headers["Location"]).status_code == 404  # a draft, not public
    assert client.get("/api/v1/news").json["results"] == []
    with app.app_context():
        item = db.session.get(ContentItem, created["id"])
        assert item is not None and item.author is not None
        assert item.author.email == people["editor"]


def test_a_publication_needs_a_known_type(app: Flask, client, people) -> None:  # type: ignore[no-untyped-def]
    editor = bearer(app, people["editor"])
    missing = client.post("/api/v1/publications", json={**NEWS, "type": ""}, headers=editor)
    assert missing.status_code == 400 and "type" in missing.json["fields"]
    created = client.post("/api/v1/publications", json={**NEWS, "type": "position_note"},
                          headers=editor)
    assert created.status_code == 201 and created.json["type"] == "position_note"
    assert created.headers["Location"].startswith("http://localhost/api/v1/publications/")


@pytest.mark.parametrize(("payload", "fields"), [
    ({**NEWS, "title": ""}, {"title"}),
    ({**NEWS, "title": 42}, {"title"}),
    ({**NEWS, "title": "x" * 300}, {"title"}),
    ({**NEWS, "country": "ZZ"}, {"country"}),
    ({**NEWS, "themes": ["no-such-theme"]}, {"themes"}),
    ({**NEWS, "themes": "gender"}, {"themes"}),
    ({**NEWS, "language": "de"}, {"language"}),
    ({**NEWS, "summary": ["a list"], "language": "xx"}, {"summary", "language"}),
])
def test_invalid_fields_are_named_and_nothing_is_stored(app: Flask, client, people,  # type: ignore[no-untyped-def]
                                                        payload, fields) -> None:
    response = client.post("/api/v1/news", json=payload, headers=bearer(app, people["editor"]))
    assert response.status_code == 400
    assert set(response.json["fields"]) == fields and response.json["error"]
    with app.app_context():
        assert db.session.scalar(select(ContentItem.id)) is None


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"text"', ""])
def test_a_body_that_is_not_a_json_object_is_a_400(app: Flask, client, people, body) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/news", data=body, content_type="application/json",
                           headers=bearer(app, people["editor"]))
    assert response.status_code == 400 and response.is_json


HOSTILE = [
    '<script>alert(1)</script><p>texte</p>',
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">lien</a>',
    '<a href="JaVaScRiPt:alert(1)" onclick="steal()">lien</a>',
    '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<iframe src="https://evil.example"></iframe><object data="x"></object>',
    '<p style="background:url(javascript:alert(1))">style</p>',
    '<form action="https://evil.example"><input name="q"></form>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


def test_hostile_html_comes_back_harmless(app: Flask, client, people) -> None:  # type: ignore[no-untyped-def]
    editor = bearer(app, people["editor"])
    for number, html in enumerate(HOSTILE):
        response = client.post("/api/v1/news", headers=editor,
                               json={"title": f"Hostile {number}", "body_html": html,
                                     "country": "SN"})
        assert response.status_code == 201
        stored = client.get(response.headers["Location"], headers=editor).json["body_html"]
        lowered = stored.lower()
        for danger in ("<script", "onerror", "onclick", "javascript:", "<svg", "<math",
                       "<iframe", "<object", "style=", "<form", "<input", "<style"):
            assert danger not in lowered, (html, stored)


def test_writes_need_a_bearer_token_with_the_permission(app: Flask, client, people,  # type: ignore[no-untyped-def]
                                                        login) -> None:
    no_token = client.post("/api/v1/news", json=NEWS)
    assert no_token.status_code == 401 and no_token.headers["WWW-Authenticate"] == "Bearer"
    wrong = client.post("/api/v1/news", json=NEWS, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    member = client.post("/api/v1/news", json=NEWS, headers=bearer(app, people["member"]))
    assert member.status_code == 403
    other_country = client.post("/api/v1/news", json=NEWS,
                                headers=bearer(app, people["editor_other_country"]))
    assert other_country.status_code == 403
    login("editor")  # a browser session cookie never authorises a write
    assert client.post("/api/v1/news", json=NEWS).status_code == 401
    assert client.post("/api/v1/publications", json=NEWS).status_code == 401
    with app.app_context():
        assert db.session.scalar(select(ContentItem.id)) is None
    admin = client.post("/api/v1/news", json=NEWS, headers=bearer(app, people["admin"]))
    assert admin.status_code == 201


def upload(app: Flask, client, people, role: str = "editor", content: bytes = b"",  # type: ignore[no-untyped-def]
           name: str = "rapport.txt", **fields: str):
    data = {"title": "Rapport annuel", "type": "report", "language": "fr", "year": "2024",
            "access": "members", "countries": "SN;CI", "themes": "gender", **fields}
    if content is not None:
        data["file"] = (io.BytesIO(content or "Rapport du réseau CRPM.\n".encode()), name)
    return client.post("/api/v1/documents", data=data, content_type="multipart/form-data",
                       headers=bearer(app, people[role]))


def test_an_editor_token_uploads_a_document(app: Flask, client, people) -> None:  # type: ignore[no-untyped-def]
    response = upload(app, client, people)

    assert response.status_code == 201, response.json
    created = response.json
    assert created["title"] == "Rapport annuel" and created["access"] == "members"
    assert created["countries"] == ["CI", "SN"] or sorted(created["countries"]) == ["CI", "SN"]
    assert created["year"] == 2024 and created["type"] == "report"
    assert response.headers["Location"] == f"http://localhost/api/v1/documents/{created['slug']}"
    assert client.get(response.headers["Location"]).status_code == 404  # members only
    member = bearer(app, people["member"])
    assert client.get(response.headers["Location"], headers=member).status_code == 200


def test_a_refused_upload_says_why_and_stores_nothing(app: Flask, client, people) -> None:  # type: ignore[no-untyped-def]
    executable = upload(app, client, people, content=b"MZ\x90\x00" + b"\x00" * 200,
                        name="rapport.pdf")
    assert executable.status_code == 400
    assert executable.json["error"] and executable.json["fields"]["file"] == executable.json[
        "error"]
    bad_metadata = upload(app, client, people, type="no-such-type", year="next year")
    assert bad_metadata.status_code == 400
    assert {"type", "year"} <= set(bad_metadata.json["fields"])
    no_file = upload(app, client, people, content=None)  # type: ignore[arg-type]
    assert no_file.status_code == 400 and "file" in no_file.json["fields"]
    assert upload(app, client, people, role="member").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(LibraryDocument.id)) is None


# -- description ----------------------------------------------------------------------------------


def test_openapi_describes_the_content_api(client) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    for path, methods in {"/news": {"get", "post"}, "/news/{slug}": {"get"},
                          "/publications": {"get", "post"}, "/publications/{slug}": {"get"},
                          "/documents": {"get", "post"}, "/documents/{slug}": {"get"},
                          "/organisations": {"get"}}.items():
        assert methods <= set(document["paths"][path]), path
    assert "multipart/form-data" in document["paths"]["/documents"]["post"]["requestBody"][
        "content"]
