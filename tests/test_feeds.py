"""Atom feeds, sitemap and robots.txt: public live items only, valid XML, conditional requests."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from xml.etree import ElementTree

from flask import Flask
from sqlalchemy import select, update

from crpm_cms.content.models import ContentItem
from crpm_cms.extensions import db
from crpm_cms.library.models import LibraryDocument
from crpm_cms.organisations import services as organisations
from crpm_cms.taxonomies.models import Term
from crpm_cms.timezones import utcnow

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


# -- rows written straight into the database (the editor's forms are tested elsewhere) ----------


def add_item(app: Flask, kind: str, title: str, *, status: str = "published", hours_ago: float = 1,
             expires_in_hours: float | None = None, **columns: object) -> str:
    """A content item published ``hours_ago`` (negative: scheduled in the future); its slug."""
    slug = columns.pop("slug", None) or f"{kind}-{uuid.uuid4().hex[:8]}"
    themes = columns.pop("themes", [])
    now = utcnow()
    with app.app_context():
        item = ContentItem(
            kind=kind, slug=slug, title=title, status=status,
            summary=columns.pop("summary", f"Résumé de {title}"),
            body_html=columns.pop("body_html", f"<p>{title}</p>"),
            publish_at=now - timedelta(hours=hours_ago),
            expires_at=(now + timedelta(hours=expires_in_hours)
                        if expires_in_hours is not None else None),
            **columns)
        item.themes = list(db.session.scalars(select(Term).where(Term.code.in_(themes),
                                                                 Term.vocabulary == "theme")))
        db.session.add(item)
        db.session.commit()
    return slug


def add_document(app: Flask, title: str, *, access: str = "public", **columns: object) -> str:
    """A library document row (its file is not needed by feeds, sitemap or API listings)."""
    slug = columns.pop("slug", None) or f"doc-{uuid.uuid4().hex[:8]}"
    with app.app_context():
        document = LibraryDocument(
            slug=slug, title=title, summary=columns.pop("summary", f"Résumé de {title}"),
            document_type=columns.pop("document_type", "study"), access=access,
            file_name=f"{uuid.uuid4().hex}.pdf", original_name="etude.pdf",
            media_type="application/pdf", size=1000,
            sha256=hashlib.sha256(slug.encode()).hexdigest(), **columns)
        db.session.add(document)
        db.session.commit()
    return slug


def hidden_items(app: Flask, kind: str) -> list[str]:
    """One item in each state a visitor must never see (slugs ``hidden-…``); their titles."""
    titles = []
    for status in ("draft", "submitted", "unpublished", "archived"):
        add_item(app, kind, f"Hidden {status}", status=status, slug=f"hidden-{status}")
        titles.append(f"Hidden {status}")
    add_item(app, kind, "Hidden scheduled", hours_ago=-2, slug="hidden-scheduled")
    add_item(app, kind, "Hidden expired", hours_ago=5, expires_in_hours=-1, slug="hidden-expired")
    return [*titles, "Hidden scheduled", "Hidden expired"]


def entries(xml: bytes) -> list[ElementTree.Element]:
    feed = ElementTree.fromstring(xml)
    assert feed.tag == f"{ATOM}feed"
    return feed.findall(f"{ATOM}entry")


def titles(xml: bytes) -> list[str]:
    return [entry.findtext(f"{ATOM}title") or "" for entry in entries(xml)]


# -- Atom -----------------------------------------------------------------------------------------


def test_news_feed_is_atom_with_live_items_newest_first(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    add_item(app, "news", "Older news", hours_ago=5, language="fr", themes=["gender"])
    add_item(app, "news", "Newer news <&> ]]>", hours_ago=1, language="en")
    hidden_items(app, "news")
    add_item(app, "publication", "A publication", document_type="study")

    response = client.get("/feeds/news.atom")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(response.data)
    assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}updated")
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert titles(response.data) == ["Newer news <&> ]]>", "Older news"]
    newer, older = entries(response.data)
    assert newer.get(XML_LANG) == "en" and older.get(XML_LANG) == "fr"
    assert newer.findtext(f"{ATOM}id", "").startswith("tag:localhost,")
    link = older.find(f"{ATOM}link[@rel='alternate']")
    assert link is not None and link.get("href", "").startswith("http://localhost/news/news-")
    assert older.findtext(f"{ATOM}summary") == "Résumé de Older news"
    assert older.findtext(f"{ATOM}content") == "<p>Older news</p>"
    assert older.find(f"{ATOM}category").get("term") == "gender"  # type: ignore[union-attr]
    assert older.findtext(f"{ATOM}updated", "").endswith("Z")


def test_feeds_hold_at_most_thirty_entries(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    for number in range(35):
        add_item(app, "news", f"News {number}", hours_ago=number + 1)
    found = titles(client.get("/feeds/news.atom").data)
    assert len(found) == 30 and found[0] == "News 0" and found[-1] == "News 29"


def test_a_scheduled_item_enters_the_feed_when_its_time_comes(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    slug = add_item(app, "news", "Scheduled", hours_ago=-1)
    assert titles(client.get("/feeds/news.atom").data) == []
    with app.app_context():  # the clock moves on: the scheduled time is now in the past
        db.session.execute(update(ContentItem).where(ContentItem.slug == slug)
                           .values(publish_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert titles(client.get("/feeds/news.atom").data) == ["Scheduled"]


def test_publications_feed_has_public_documents_never_members_only_ones(  # type: ignore[no-untyped-def]
        app: Flask, client, login) -> None:
    add_item(app, "publication", "Note de position", document_type="position_note")
    hidden = hidden_items(app, "publication")
    add_document(app, "Étude publique")
    add_document(app, "Étude réservée", access="members")
    add_document(app, "Étude retirée", published=False)

    for visitor in ("anonymous", "member"):
        if visitor == "member":
            login("member")
        body = client.get("/feeds/publications.atom").data
        assert sorted(titles(body)) == ["Note de position", "Étude publique"]
        for secret in ("réservée", "retirée", *hidden):
            assert secret.encode() not in body
        assert "Étude réservée".encode() not in client.get("/feeds/news.atom").data


def test_feeds_answer_conditional_requests(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    add_item(app, "news", "First")
    first = client.get("/feeds/news.atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    assert client.get("/feeds/news.atom", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/feeds/news.atom",
                      headers={"If-Modified-Since": modified}).status_code == 304

    add_item(app, "news", "Second", hours_ago=0.5)
    again = client.get("/feeds/news.atom", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert titles(again.data) == ["Second", "First"]


def test_an_empty_feed_is_still_valid_atom(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/feeds/publications.atom")
    assert response.status_code == 200 and entries(response.data) == []


def test_pages_announce_the_feeds(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/").get_data(as_text=True)
    assert 'type="application/atom+xml"' in html and 'href="/feeds/news.atom"' in html


# -- sitemap and robots.txt -----------------------------------------------------------------------


def sitemap_urls(xml: bytes) -> dict[str, dict[str, str]]:
    """Each <loc> with its hreflang alternates."""
    root = ElementTree.fromstring(xml)
    assert root.tag == f"{SITEMAP}urlset"
    return {url.findtext(f"{SITEMAP}loc", ""): {
        link.get("hreflang", ""): link.get("href", "")
        for link in url.findall(f"{XHTML}link")} for url in root.findall(f"{SITEMAP}url")}


def test_sitemap_lists_public_pages_with_their_translations(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    key = str(uuid.uuid4())
    add_item(app, "news", "Bonjour", slug="bonjour", language="fr", translation_key=key)
    add_item(app, "news", "Hello", slug="hello", language="en", translation_key=key)
    add_item(app, "publication", "Note", slug="note", document_type="study")
    hidden_items(app, "news")
    add_document(app, "Public study", slug="public-study")
    add_document(app, "Secret study", slug="secret-study", access="members")
    with app.app_context():
        data = organisations.OrganisationData
        organisations.save(None, data(name="Réseau ouvert", kind="network",
                                      country_code="SN"), None)
        organisations.save(None, data(name="Cercle fermé", kind="cso", country_code="SN",
                                      visibility="members"), None)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    urls = sitemap_urls(response.data)
    assert all(loc.startswith("http://localhost/") for loc in urls)
    assert urls["http://localhost/"] == {"fr": "http://localhost/?lang=fr",
                                         "en": "http://localhost/?lang=en",
                                         "x-default": "http://localhost/"}
    assert urls["http://localhost/news/bonjour"] == {"fr": "http://localhost/news/bonjour",
                                                     "en": "http://localhost/news/hello"}
    assert urls["http://localhost/news/hello"] == urls["http://localhost/news/bonjour"]
    assert "http://localhost/notes/note" in urls
    assert "http://localhost/library/public-study" in urls
    assert "http://localhost/organisations/reseau-ouvert" in urls
    assert "http://localhost/organisations/" in urls and "http://localhost/news/" in urls
    body = response.get_data(as_text=True)
    for secret in ("secret-study", "cercle-ferme", "hidden"):
        assert secret not in body


def test_a_large_sitemap_becomes_an_index_of_pages(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SITEMAP_MAX_URLS=4)
    for number in range(6):
        add_item(app, "news", f"News {number}", slug=f"news-{number}")
    client = app.test_client()

    index = ElementTree.fromstring(client.get("/sitemap.xml").data)
    assert index.tag == f"{SITEMAP}sitemapindex"
    pages = [loc.text or "" for loc in index.iter(f"{SITEMAP}loc")]
    assert pages == [f"http://localhost/sitemap.xml?page={n}" for n in range(1, len(pages) + 1)]

    seen: list[str] = []
    for page in pages:
        found = sitemap_urls(client.get(page.removeprefix("http://localhost")).data)
        assert 0 < len(found) <= 4
        seen += found
    assert len(seen) == len(set(seen)) and len(pages) == -(-len(seen) // 4)
    assert {f"http://localhost/news/news-{n}" for n in range(6)} | {"http://localhost/"} <= set(
        seen)
    assert client.get(f"/sitemap.xml?page={len(pages) + 1}").status_code == 404
    assert client.get("/sitemap.xml?page=zero").status_code == 404


def test_robots_txt_points_to_the_sitemap(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert "Sitemap: http://localhost/sitemap.xml" in response.get_data(as_text=True)
    assert "Disallow: /admin/" in response.get_data(as_text=True)
