"""The home page: latest news, featured publications, plugin blocks; canonical URL and Open Graph;
a constant number of SQL queries however much content there is."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import insert

from crpm_cms.content.models import ContentItem
from crpm_cms.extensions import db
from crpm_cms.testing import counted_queries, queries_of_page
from crpm_cms.timezones import utcnow
from tests.test_feeds import add_item, hidden_items


def bulk_items(app: Flask, kind: str, count: int, start: int = 0) -> None:
    """Many live items at once (SQLAlchemy Core), half of them in English, some featured."""
    now = utcnow()
    rows = [{"kind": kind, "slug": f"{kind}-bulk-{number}", "title": f"{kind} {number}",
             "summary": "", "body_html": "<p>…</p>", "language": "en" if number % 2 else "fr",
             "status": "published", "publish_at": now - timedelta(minutes=number + 1),
             "featured": number % 3 == 0, "country_code": "SN", "cover_alt": "", "version": 1,
             "created_at": now, "updated_at": now} for number in range(start, start + count)]
    with app.app_context():
        db.session.execute(insert(ContentItem), rows)
        db.session.commit()


def card_titles(html: str, section: str) -> list[str]:
    part = html.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<h3><a [^>]*>([^<]+)</a></h3>", part)


def test_home_shows_latest_news_in_the_visitor_language_first(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    for number in range(4):
        add_item(app, "news", f"Actualité {number}", hours_ago=number + 1, language="fr")
        add_item(app, "news", f"News {number}", hours_ago=number + 0.5, language="en")
    hidden_items(app, "news")

    french = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert card_titles(french, "news-title") == [
        "Actualité 0", "Actualité 1", "Actualité 2", "Actualité 3", "News 0"]
    english = client.get("/?lang=en").get_data(as_text=True)
    assert card_titles(english, "news-title") == [
        "News 0", "News 1", "News 2", "News 3", "Actualité 0"]
    assert "Hidden" not in french + english
    assert re.search(r'href="/news/news-[0-9a-f]+"', french)
    assert 'href="/feeds/news.atom"' in french


def test_home_shows_featured_publications_only(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    add_item(app, "publication", "Note vedette", featured=True, document_type="position_note",
             slug="note-vedette")
    add_item(app, "publication", "Note ordinaire", document_type="position_note")
    add_item(app, "publication", "Vedette en brouillon", featured=True, status="draft")

    html = client.get("/").get_data(as_text=True)

    assert card_titles(html, "featured-title") == ["Note vedette"]
    assert 'href="/notes/note-vedette"' in html
    assert "Note ordinaire" not in html and "brouillon" not in html


def test_home_keeps_plugin_blocks_and_the_countries(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "No news yet." in html
    assert 'id="featured-title"' not in html  # no empty section
    assert 'id="countries-title"' in html and "Senegal" in html
    if "example" in app.extensions["crpm_plugins"].loaded:
        assert 'class="example-slot"' in html


def test_cover_images_are_lazy_and_sized(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    if "content.cover" not in app.view_functions:
        return
    add_item(app, "news", "Avec image", cover_image="ab" * 16 + ".png", cover_alt="Un atelier")
    html = client.get("/").get_data(as_text=True)
    image = re.search(r'<img class="card-cover"[^>]*>', html)
    assert image is not None
    for attribute in ('loading="lazy"', 'alt="Un atelier"', 'width="', 'height="'):
        assert attribute in image.group(0)


def test_home_query_count_does_not_grow_with_content(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    client.get("/")  # warm up: settings, plugin states
    counts = []
    for total in (10, 200):
        already = 0 if total == 10 else 10
        bulk_items(app, "news", total - already, start=already)
        bulk_items(app, "publication", total - already, start=already)
        with counted_queries(app) as queries:
            assert client.get("/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# -- canonical URL and Open Graph -------------------------------------------------------------


def meta(html: str, name: str) -> str | None:
    found = re.search(rf'<meta property="{re.escape(name)}" content="([^"]*)">', html)
    return unescape(found.group(1)) if found else None


def canonical(html: str) -> str | None:
    found = re.search(r'<link rel="canonical" href="([^"]*)">', html)
    return unescape(found.group(1)) if found else None


def test_home_has_a_canonical_url_and_open_graph(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/?lang=en&utm_source=newsletter&fbclid=x").get_data(as_text=True)
    assert canonical(html) == "http://localhost/"
    assert meta(html, "og:url") == "http://localhost/"
    assert meta(html, "og:title") == "Home"
    assert meta(html, "og:type") == "website"
    assert meta(html, "og:site_name") == "Réseau CRPM"
    assert meta(html, "og:locale") == "en_GB"
    assert meta(html, "og:locale:alternate") == "fr_FR"
    assert meta(html, "og:description")


def test_a_news_item_describes_itself_as_an_article(app, client, login) -> None:  # type: ignore[no-untyped-def]
    from tests.test_content import create, publish

    admin = login("admin")
    item_id = create(admin, title="Forum de Dakar", summary="Le forum national sur la mobilité.")
    publish(app, admin, item_id)
    html = client.get("/news/forum-de-dakar").get_data(as_text=True)
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == "Forum de Dakar"
    assert meta(html, "og:description") == "Le forum national sur la mobilité."
    assert (meta(html, "article:published_time") or "").startswith(str(utcnow().year))
    assert canonical(html) == "http://localhost/news/forum-de-dakar"


def test_canonical_url_keeps_filters_and_pages(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/organisations/?lang=fr&page=1&country=SN&utm_campaign=x").get_data(
        as_text=True)
    assert canonical(html) == "http://localhost/organisations/?country=SN"
    html = client.get("/organisations/?page=2&kind=cso").get_data(as_text=True)
    assert canonical(html) == "http://localhost/organisations/?kind=cso&page=2"


def test_an_item_page_has_its_own_canonical_url_and_title(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    if "content.news_item" not in app.view_functions:
        return
    add_item(app, "news", "Forum national à Dakar", slug="forum-dakar",
             summary="Le forum réunit l'État et la société civile.")
    html = client.get("/news/forum-dakar?lang=fr&utm_medium=email").get_data(as_text=True)
    assert canonical(html) == "http://localhost/news/forum-dakar"
    assert meta(html, "og:url") == "http://localhost/news/forum-dakar"
    assert "Forum national à Dakar" in (meta(html, "og:title") or "")


@pytest.mark.slow  # 100,000 items
def test_page_query_counts_are_the_same_at_10_and_100_000_items(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    """The issue's scale, literally: 100,000 news items and 10,000 publications."""
    pages = ("/", "/news/", "/notes/", "/api/v1/news", "/api/v1/publications", "/feeds/news.atom",
             "/organisations/")
    client.get("/")  # warm up: settings, plugin states
    bulk_items(app, "news", 10)
    bulk_items(app, "publication", 10)
    few = {page: queries_of_page(app, client, page) for page in pages}
    for start in range(10, 100_000, 20_000):
        bulk_items(app, "news", min(20_000, 100_000 - start), start=start)
    bulk_items(app, "publication", 10_000 - 10, start=10)
    assert {page: queries_of_page(app, client, page) for page in pages} == few
    assert queries_of_page(app, client, "/news/?page=2500") == few["/news/"]  # the far end
