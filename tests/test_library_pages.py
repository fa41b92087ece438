"""The library's list and pages: filters kept in the URL, the visitor's language first, constant
query count, and members-only or unpublished documents that anonymous visitors never reach."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from flask import Flask
from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.library.models import LibraryDocument
from crpm_cms.organisations import services as organisations
from crpm_cms.taxonomies.models import Country, Term
from crpm_cms.testing import queries_of_page, sign_in
from tests.files import samples
from tests.files.library import add_document, document


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return [html.unescape(title) for title in
            re.findall(r'<h3><a href="/library/[^"]+">([^<]+)</a></h3>', page)]


@pytest.fixture
def shelf(app: Flask) -> dict[str, str]:
    """Five public documents, one members-only, one unpublished; by short name → slug."""
    def add(name: str, **fields: object) -> str:
        return add_document(app, samples.text_file(name), f"{name}.txt", **fields)

    return {
        "senegal": add("senegal", title="Diagnostic Sénégal", document_type="diagnostic",
                       countries=["SN"], themes=["governance"], year=2022, language="fr"),
        "ivoire": add("ivoire", title="Étude Côte d'Ivoire", document_type="study",
                      countries=["CI"], themes=["gender"], year=2023, language="fr"),
        "english": add("english", title="Study on remittances", document_type="study",
                       countries=["SN", "MA"], themes=["development", "1"], year=2023,
                       language="en"),
        "outil": add("outil", title="Outil de plaidoyer", document_type="tool", countries=[],
                     themes=["dialogue"], year=None),
        "note": add("note", title="Note de positionnement", document_type="position_note",
                    countries=["TN"], themes=["human_rights"], year=2021),
        "secret": add("secret", title="Note interne confidentielle", access="members",
                      document_type="position_note", countries=["SN"], themes=["governance"],
                      year=2019),
        "draft": add("draft", title="Brouillon non publié", published=False,
                     document_type="study", countries=["SN"], year=2023),
    }


PUBLIC = ["Diagnostic Sénégal", "Étude Côte d'Ivoire", "Study on remittances",
          "Outil de plaidoyer", "Note de positionnement"]


@pytest.mark.parametrize(("query", "expected"), [
    ("", PUBLIC),
    ("type=study", ["Étude Côte d'Ivoire", "Study on remittances"]),
    ("country=SN", ["Diagnostic Sénégal", "Study on remittances"]),
    ("theme=1", ["Study on remittances"]),
    ("theme=gender", ["Étude Côte d'Ivoire"]),
    ("year=2023", ["Étude Côte d'Ivoire", "Study on remittances"]),
    ("language=en", ["Study on remittances"]),
    ("q=note", ["Note de positionnement"]),
    ("q=100%25", []),
    ("type=study&country=CI&year=2023&language=fr", ["Étude Côte d'Ivoire"]),
])
def test_filters(client, shelf, query, expected):
    assert sorted(titles(client.get(f"/library/?{query}"))) == sorted(expected)


def test_chosen_filters_stay_selected(client, shelf):
    response = client.get("/library/?type=study&year=2023&q=ivoire&lang=en")
    page = response.get_data(as_text=True)
    assert '<option selected value="study">' in page
    assert '<option selected value="2023">' in page
    assert 'value="ivoire"' in page
    assert "1 document" in page


def test_the_filters_travel_with_the_pages(app, client):
    bulk_add(app, 45)  # 30 public documents: two pages
    page = client.get("/library/?type=study&year=2020").get_data(as_text=True)
    assert 'href="/library/?type=study&amp;year=2020&amp;page=2"' in page
    assert len(titles(client.get("/library/?type=study&year=2020&page=2"))) == 10


@pytest.mark.parametrize("query", ["type=<script>", "country=ZZ", "theme=nothing",
                                   "year=abc", "year=99999999999999", "language=xx",
                                   "page=abc", "page=-3", "page=99999999999999999999",
                                   "q=" + "x" * 5000])
def test_bad_filter_values_answer_without_an_error(client, shelf, query):
    assert client.get(f"/library/?{query}").status_code == 200


def test_a_page_past_the_end_is_an_empty_list(client, shelf):
    assert titles(client.get("/library/?page=40")) == []


def test_the_visitors_language_comes_first(client, shelf):
    assert titles(client.get("/library/?lang=en"))[0] == "Study on remittances"
    assert titles(client.get("/library/?lang=fr"))[-1] == "Study on remittances"


def test_members_only_documents_are_invisible_to_anonymous_visitors(app, client, people, shelf):
    secret = shelf["secret"]
    listing = client.get("/library/?lang=en")
    assert "Note interne confidentielle" not in listing.get_data(as_text=True)
    assert "5 documents" in listing.get_data(as_text=True)
    for query in ("country=SN", "year=2019", "type=position_note", "q=confidentielle",
                  "theme=governance"):
        assert "Note interne confidentielle" not in titles(client.get(f"/library/?{query}"))
    assert '<option value="2019">' not in listing.get_data(as_text=True)  # no hint of its year
    assert client.get(f"/library/{secret}").status_code == 404
    assert client.get(f"/library/{secret}/download").status_code == 404
    assert document(app, secret).download_count == 0

    sign_in(client, people["member"])
    listing = client.get("/library/?lang=en").get_data(as_text=True)
    assert "Note interne confidentielle" in listing and "6 documents" in listing
    assert '<option value="2019">' in listing
    assert "Note interne confidentielle" in titles(client.get("/library/?year=2019"))
    assert client.get(f"/library/{secret}").status_code == 200
    response = client.get(f"/library/{secret}/download")
    assert response.status_code == 200 and response.data == samples.text_file("secret")
    assert "private" in response.headers["Cache-Control"]


def test_a_translation_that_is_members_only_is_not_linked_for_visitors(app, client, people):
    public = add_document(app, samples.text_file("fr"), title="Version publique")
    with app.app_context():
        public_id = db.session.scalar(select(LibraryDocument.id)
                                      .where(LibraryDocument.slug == public))
    add_document(app, samples.text_file("en"), title="Members version", language="en",
                 access="members", translation_of=public_id)
    assert "Members version" not in client.get(f"/library/{public}").get_data(as_text=True)
    sign_in(client, people["member"])
    assert "Members version" in client.get(f"/library/{public}").get_data(as_text=True)


def test_unpublished_documents_are_for_those_who_upload(app, client, people, shelf):
    draft = shelf["draft"]
    assert client.get(f"/library/{draft}").status_code == 404
    assert client.get(f"/library/{draft}/download").status_code == 404
    sign_in(client, people["member"])
    assert client.get(f"/library/{draft}").status_code == 404
    assert "Brouillon non publié" not in titles(client.get("/library/"))
    client.post_form("/logout")
    sign_in(client, people["editor"])
    page = client.get(f"/library/{draft}?lang=en").get_data(as_text=True)
    assert "This document is not published" in page
    assert "Brouillon non publié" not in titles(client.get("/library/"))


def test_the_detail_page_shows_the_metadata(app, client):
    with app.app_context():
        organisation = organisations.save(None, organisations.OrganisationData(
            name="Réseau Migrations Sénégal", kind="network", country_code="SN"), None)
        organisation_id = organisation.id
    slug = add_document(app, samples.pdf_with_text(), "rapport.pdf", title="Rapport annuel",
                        summary="Premier paragraphe.\n\nSecond paragraphe.", year=2024,
                        countries=["SN", "CI"], themes=["governance", "3"],
                        organisations=[organisation_id])
    page = html.unescape(client.get(f"/library/{slug}?lang=en").get_data(as_text=True))
    for expected in ("Rapport annuel", "<p>Premier paragraphe.</p>", "Study and research",
                     "2024", "Senegal", "Côte d'Ivoire", "Migration governance",
                     "Réseau Migrations Sénégal", "PDF",
                     f'href="/library/{slug}/download"', "<dt>Downloads</dt><dd>0</dd>"):
        assert expected in page, expected
    assert re.search(r"PDF, \d+(\.\d)? KB", page)


# -- query count --------------------------------------------------------------------------------


def bulk_add(app: Flask, count: int) -> None:
    """Rows straight into the database: the list only reads them."""
    with app.app_context():
        countries = list(db.session.scalars(select(Country).where(Country.code.in_(["SN", "CI"]))))
        themes = list(db.session.scalars(select(Term).where(Term.code.in_(["governance", "2"]))))
        for number in range(count):
            db.session.add(LibraryDocument(
                slug=f"doc-{uuid.uuid4().hex[:12]}", title=f"Document {number}",
                document_type="study", language="fr" if number % 2 else "en", year=2020,
                access="public" if number % 3 else "members", file_name=f"{number:032x}.txt",
                original_name="a.txt", media_type="text/plain; charset=utf-8", size=10,
                sha256=uuid.uuid4().hex * 2, countries=countries, themes=themes))
        db.session.commit()


def test_the_list_runs_the_same_number_of_queries_from_10_to_200_documents(app, client, people):
    bulk_add(app, 10)
    urls = ("/library/", "/library/?country=SN&theme=2")
    few = {url: queries_of_page(app, client, url) for url in urls}
    bulk_add(app, 190)
    assert {url: queries_of_page(app, client, url) for url in few} == few
    sign_in(client, people["member"])
    member_few = queries_of_page(app, client, "/library/?page=3")
    bulk_add(app, 10)
    assert queries_of_page(app, client, "/library/?page=3") == member_few
