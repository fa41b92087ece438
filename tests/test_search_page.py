"""``/search`` and ``/api/v1/search`` as a visitor uses them, on both backends: hostile queries,
pages, sorting, snippets, suggestions, the ``lang`` filter and the same answers in both shapes."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask

from tests.test_search_support import (
    api,
    backend_of,
    document,
    organisation,
    page_titles,
    publish,
    search_app_fixture,
    titles,
)

search_app = search_app_fixture()

HOSTILE = [
    "access:members", "status:draft", "title:(migration", "((((", "))))", '"unbalanced',
    "'single", "[a TO z]", "{x}", "migra*", "*", "?", "~2", "^3", "a AND OR NOT b",
    "' OR 1=1 --", "'; DROP TABLE search_entries; --", "%' UNION SELECT * FROM users --",
    "foo & !bar | baz:*", "a <-> b", "!!!", "&&&", "x:* & y:A", "\\", "\x00nul",
    "transhumance " * 330,  # about 4 KB
    "é" * 4096,
]


def test_hostile_queries_get_a_normal_page(search_app: Flask) -> None:
    publish(search_app, "Transhumance et frontières", "Coopération régionale.")
    client = search_app.test_client()
    for query in HOSTILE:
        for parameter in ("q", "country", "type", "year", "lang", "page", "sort"):
            response = client.get("/search", query_string={"q": "transhumance", parameter: query})
            body = response.get_data(as_text=True)
            assert response.status_code == 200, (parameter, query)
            assert 'role="status"' in body and "reconstruction" not in body, (parameter, query)
            assert client.get("/api/v1/search", query_string={parameter: query}).status_code \
                == 200
    assert titles(client, q="transhumance " * 330) == ["Transhumance et frontières"]


def test_pages_sorting_and_the_last_page(search_app: Flask) -> None:
    for number in range(12):
        publish(search_app, f"Atelier de capitalisation {number:02d}", "Capitalisation.")
    client = search_app.test_client()
    first = api(client, q="capitalisation", sort="date")
    assert (first["total"], first["pages"], len(first["results"])) == (12, 2, 10)
    newest_first = [f"Atelier de capitalisation {n:02d}" for n in range(11, -1, -1)]
    second = api(client, q="capitalisation", sort="date", page=2)
    assert [hit["title"] for hit in first["results"] + second["results"]] == newest_first
    past_the_end = api(client, q="capitalisation", sort="date", page=99)
    assert past_the_end["page"] == 2 and past_the_end["results"] == second["results"]
    for bad in ("-3", "abc", "0", "99999999999999999999"):
        assert client.get("/search", query_string={"q": "capitalisation", "page": bad}) \
            .status_code == 200
    body = client.get("/search?q=capitalisation&page=2").get_data(as_text=True)
    assert 'rel="prev" href="/search?q=capitalisation"' in body
    assert "Page 2 sur 2" in body


def test_html_and_json_give_the_same_answers(search_app: Flask) -> None:
    publish(search_app, "Gouvernance des migrations au Sénégal", "Texte.", country_code="SN",
            themes=("governance",))
    publish(search_app, "Governance of migration in Côte d'Ivoire", "Text.", language="en",
            country_code="CI")
    organisation(search_app, "Observatoire de la gouvernance", "Recherche.", country_code="CI")
    client = search_app.test_client()
    for extra in ({}, {"country": "CI"}, {"kind": "organisation"}, {"sort": "date"},
                  {"theme": "governance"}, {"lang": "en"}):
        params = {"q": "gouvernance", **extra}
        assert page_titles(client, **params) == titles(client, **params), params
    assert page_titles(client, q="governance") == titles(client, q="governance")


def test_facet_links_keep_the_filters_in_the_url(search_app: Flask) -> None:
    publish(search_app, "Diaspora et investissement", "Texte.", country_code="SN",
            themes=("diaspora",))
    body = html.unescape(search_app.test_client().get("/search?q=diaspora&country=SN")
                         .get_data(as_text=True))
    assert 'href="/search?q=diaspora&country=SN&theme=diaspora"' in body
    assert 'href="/search?q=diaspora"' in body  # removing the country filter
    assert "Mobilisation des diasporas" in body  # the theme's label, in French


def test_lang_filters_documents_and_ui_lang_switches_the_interface(search_app: Flask) -> None:
    publish(search_app, "Migration de travail", "Texte.")
    publish(search_app, "Labour migration", "Text.", language="en")
    client = search_app.test_client()
    response = client.get("/search?q=migration&lang=en")
    body = response.get_data(as_text=True)
    assert page_titles(client, q="migration", lang="en") == ["Labour migration"]
    assert '<html lang="fr">' in body and "crpm_lang" not in response.headers.get("Set-Cookie", "")
    switch = re.search(r'<a href="([^"]+)" hreflang="en"', body)
    assert switch and "ui_lang=en" in switch.group(1) and "lang=en" in switch.group(1)
    english = client.get(html.unescape(switch.group(1))).get_data(as_text=True)
    assert '<html lang="en">' in english and "Labour migration" in english
    assert '<html lang="en">' in client.get("/news/").get_data(as_text=True)  # remembered


def test_snippets_highlight_matches_past_the_first_32_kb(search_app: Flask) -> None:
    filler = "Le réseau se réunit chaque année pour échanger. " * 1000  # about 48 KB
    document(search_app, "Long rapport annuel", f"{filler} Conclusion : la transhumance "
             f"transfrontalière <script>alert(1)</script> demande un accord.")
    hit = api(search_app.test_client(), q="transhumance")["results"][0]
    assert "<mark>transhumance</mark>" in re.sub(r'<mark[^>]*>', "<mark>", hit["snippet"])
    assert "<script>" not in hit["snippet"]


def test_an_empty_search_says_so_and_suggests_a_spelling(search_app: Flask) -> None:
    backend = backend_of(search_app)
    publish(search_app, "Réintégration des migrants de retour", "Accompagnement.")
    client = search_app.test_client()
    body = client.get("/search?q=reintegrasion").get_data(as_text=True)
    assert "Aucun résultat." in body
    suggestion = api(client, q="reintegrasion")["suggestion"]
    if backend == "whoosh":
        assert suggestion == "reintegration"
        assert 'href="/search?q=reintegration"' in body
    else:
        assert suggestion is None  # PostgreSQL's full-text search offers no suggestion


@pytest.mark.parametrize("path", ["/search", "/search?q=", "/search?q=%20%20"])
def test_no_query_invites_to_type(client, path: str) -> None:  # noqa: ANN001
    body = client.get(path).get_data(as_text=True)
    assert "Recherchez dans les actualités" in body and "résultat" not in body


def test_every_page_links_to_search(client) -> None:  # noqa: ANN001
    assert '<a href="/search">Rechercher</a>' in client.get("/").get_data(as_text=True)
    assert '<a href="/search" aria-current="page">' in client.get("/search").get_data(as_text=True)


def test_a_kind_declared_twice_stops_the_start() -> None:
    from crpm_cms.hookspecs import SearchSource
    from crpm_cms.search.services import collect_sources

    def source(kind: str) -> SearchSource:
        return SearchSource(kind, kind.title(), lambda: [], lambda _key: None)

    news, webinar = source("news"), source("webinar")
    assert collect_sources([("core", [news]), ("webinars", [webinar])]) == {
        "news": ("core", news), "webinar": ("webinars", webinar)}
    with pytest.raises(RuntimeError, match="'news' declared twice"):
        collect_sources([("core", [news]), ("copycat", [source("news")])])
