"""The editor: writing, validation, revisions, the two-editor conflict, images, translations,
static pages and the public lists. Shared helpers for the other ``test_content_*`` files."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select, update

from crpm_cms.audit.models import AuditEntry
from crpm_cms.content.models import ContentItem, Revision
from crpm_cms.content.sanitize import sanitize_html
from crpm_cms.extensions import db
from crpm_cms.testing import Client, queries_of_page, sign_in
from crpm_cms.timezones import utcnow
from crpm_cms.users import services as users

# -- helpers ------------------------------------------------------------------------------------


def form_data(**changes: object) -> dict[str, object]:
    """What the editor's form posts for a news item of Senegal."""
    data = {"title": "Atelier régional à Dakar", "summary": "Trois jours d'échanges.",
            "body": "<p>Le réseau s'est réuni.</p>", "language": "fr", "translation_of": "0",
            "country": "SN", "publish_at": "", "expires_at": "", "cover_alt": "",
            "image_alt": ""}
    data.update(changes)
    return data


def create(client: Client, kind: str = "news", **changes: object) -> int:
    """Write a new item through the form; returns its id."""
    response = client.post_form(f"/editor/new/{kind}", form_data(**changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/editor/(\d+)/edit", response.headers["Location"]).group(1))


def save(client: Client, item_id: int, version: int, **changes: object):  # type: ignore[no-untyped-def]
    return client.post_form(f"/editor/{item_id}/edit", form_data(version=version, **changes))


def act(client: Client, item_id: int, action: str):  # type: ignore[no-untyped-def]
    return client.post_form(f"/editor/{item_id}/workflow/{action}")


def stored(app: Flask, item_id: int) -> ContentItem:
    """The item as the database holds it now (detached, with its relations loaded)."""
    with app.app_context():
        item = db.session.get(ContentItem, item_id)
        assert item is not None
        item.themes, item.organisations  # noqa: B018 - loaded before leaving the session
        db.session.expunge(item)
        return item


def set_dates(app: Flask, item_id: int, **dates: object) -> None:
    """Move publish_at / expires_at (naive UTC), as time passing would."""
    with app.app_context():
        db.session.execute(update(ContentItem).where(ContentItem.id == item_id).values(**dates))
        db.session.commit()


def publish(app: Flask, client: Client, item_id: int) -> None:
    assert act(client, item_id, "publish").status_code == 302
    assert stored(app, item_id).status == "published"


def png(width: int = 64, height: int = 48, color: tuple[int, int, int] = (20, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def content_uploads(app: Flask) -> list[Path]:
    folder = Path(app.instance_path) / "uploads" / "content"
    return sorted(folder.glob("*")) if folder.exists() else []


def fresh_client(app: Flask, email: str) -> Client:
    app.test_client_class = Client
    other = app.test_client()
    sign_in(other, email)
    return other


# -- writing and validation -----------------------------------------------------------------------


def test_an_editor_writes_a_draft_and_saves_new_versions(app, login):
    editor = login("editor")
    item_id = create(editor, body="<p>Premier jet</p><script>alert(1)</script>")
    item = stored(app, item_id)
    assert (item.kind, item.status, item.version, item.slug) == (
        "news", "draft", 1, "atelier-regional-a-dakar")
    assert item.body_html == "<p>Premier jet</p>"  # sanitised on save
    page = editor.get(f"/editor/{item_id}/edit").get_data(as_text=True)
    assert '<input id="version" name="version" type="hidden" value="1">' in page
    assert "data-editor" in page and "Premier jet" in page

    response = save(editor, item_id, 1, title="Atelier régional à Dakar (compte rendu)")
    assert response.status_code == 302
    assert stored(app, item_id).version == 2
    assert stored(app, item_id).slug == "atelier-regional-a-dakar"  # addresses do not move


def test_a_failed_validation_keeps_the_editors_text(app, login):
    editor = login("editor")
    item_id = create(editor)
    response = save(editor, item_id, 1, title="", body="<p>Mon long texte non perdu</p>")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Mon long texte non perdu" in page and 'role="alert"' in page
    assert stored(app, item_id).version == 1  # nothing saved


@pytest.mark.parametrize("changes", [
    {"publish_at": "2030-01-02T10:00", "expires_at": "2030-01-01T10:00"},
    {"publish_at": "pas une date"},
    {"country": "CI"},  # not one of this editor's countries
    {"language": "de"},
])
def test_bad_values_are_refused_with_a_message_and_change_nothing(app, login, changes):
    editor = login("editor")
    item_id = create(editor)
    response = save(editor, item_id, 1, **changes)
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert stored(app, item_id).version == 1


def test_scheduled_dates_are_typed_in_the_deployments_zone_and_stored_in_utc(app, login):
    with app.app_context():
        from crpm_cms.settings.services import save_settings

        save_settings({"country": "MA"})  # Africa/Casablanca
    editor = login("admin")
    item_id = create(editor, publish_at="2030-07-01T12:00")
    typed = datetime(2030, 7, 1, 12, 0, tzinfo=ZoneInfo("Africa/Casablanca"))
    expected = typed.astimezone(UTC).replace(tzinfo=None)
    assert stored(app, item_id).publish_at == expected
    assert 'value="2030-07-01T12:00"' in editor.get(f"/editor/{item_id}/edit").get_data(
        as_text=True)


def test_an_editor_only_chooses_among_their_countries(app, login):
    editor = login("editor")
    page = editor.get("/editor/new/news").get_data(as_text=True)
    options = re.search(r'<select[^>]*name="country".*?</select>', page, re.S).group(0)
    assert 'value="SN"' in options and 'value="CI"' not in options and 'value=""' not in options


# -- revisions ----------------------------------------------------------------------------------


def test_every_save_is_a_revision_that_can_be_compared_and_restored(app, login):
    editor = login("editor")
    item_id = create(editor, body="<p>Première version</p><p>Ligne commune</p>")
    save(editor, item_id, 1, body="<p>Deuxième <b>version</b> &lt;script&gt;</p>"
                                 "<p>Ligne commune</p>")
    with app.app_context():
        revisions = {r.version: r.id for r in db.session.scalars(select(Revision))}
    assert sorted(revisions) == [1, 2]

    listing = editor.get(f"/editor/{item_id}/revisions").get_data(as_text=True)
    assert listing.count('name="a"') == 2

    compared = editor.get(f"/editor/{item_id}/revisions/compare?a={revisions[1]}"
                          f"&b={revisions[2]}").get_data(as_text=True)
    assert "<del>&lt;p&gt;Première version&lt;/p&gt;</del>" in compared
    assert "<ins>&lt;p&gt;Deuxième &lt;b&gt;version&lt;/b&gt; &amp;lt;script&amp;gt;&lt;/p&gt;" \
           "</ins>" in compared
    assert '<li class="same">&lt;p&gt;Ligne commune&lt;/p&gt;</li>' in compared

    response = editor.post_form(f"/editor/{item_id}/revisions/{revisions[1]}/restore",
                                {"version": "2"})
    assert response.status_code == 302
    item = stored(app, item_id)
    assert item.version == 3 and "Première version" in item.body_html


def test_comparing_unknown_revisions_is_a_clear_message(app, login):
    editor = login("editor")
    item_id = create(editor)
    response = editor.get(f"/editor/{item_id}/revisions/compare?a=999&b=x&lang=en",
                          follow_redirects=True)
    assert response.status_code == 200
    assert "Choose two versions" in response.get_data(as_text=True)


# -- the two-editor conflict ----------------------------------------------------------------------


def test_a_stale_save_is_refused_and_both_texts_stay_retrievable(app, client, people):
    first = fresh_client(app, people["editor"])
    item_id = create(first, body="<p>Texte de départ</p>")
    second = fresh_client(app, people["admin"])
    assert 'value="1"' in second.get(f"/editor/{item_id}/edit").get_data(as_text=True)

    assert save(first, item_id, 1, body="<p>Le texte d'Aminata</p>").status_code == 302
    refused = save(second, item_id, 1, body="<p>Le texte de Moussa</p>")
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Le texte d'Aminata" in page and "Le texte de Moussa" in page  # side by side

    item = stored(app, item_id)
    assert item.version == 2 and "Aminata" in item.body_html  # nothing overwritten
    with app.app_context():
        kept = db.session.scalar(select(Revision).where(Revision.refused.is_(True)))
        assert kept is not None and "Moussa" in kept.body_html
        kept_id = kept.id
        assert db.session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == "content.save_refused")) is not None
    listing = second.get(f"/editor/{item_id}/revisions").get_data(as_text=True)
    assert "Enregistrement refusé" in listing and f'id="revision-{kept_id}"' in listing

    restored = second.post_form(f"/editor/{item_id}/revisions/{kept_id}/restore",
                                {"version": "2"})
    assert restored.status_code == 302
    item = stored(app, item_id)
    assert item.version == 3 and "Moussa" in item.body_html
    with app.app_context():  # and Aminata's text is still a revision
        assert db.session.scalar(select(Revision).where(
            Revision.version == 2, Revision.refused.is_(False))).body_html.count("Aminata") == 1


# -- images ---------------------------------------------------------------------------------------


def upload(client: Client, data: bytes, alt: str | None = "Carte du Sénégal",
           name: str = "carte.png", header: bool = False):  # type: ignore[no-untyped-def]
    token = client.csrf_token()
    form: dict[str, object] = {"image": (io.BytesIO(data), name)}
    if alt is not None:
        form["alt"] = alt
    if header:
        return client.post("/editor/images", data=form, headers={"X-CSRFToken": token},
                           content_type="multipart/form-data")
    return client.post("/editor/images", data={"csrf_token": token, **form},
                       content_type="multipart/form-data")


def test_an_uploaded_image_is_resized_and_served_safely(app, login):
    editor = login("editor")
    response = upload(editor, png(2000, 1000), header=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["alt"] == "Carte du Sénégal"
    assert re.fullmatch(r"/content/images/[0-9a-f]{32}\.png", body["url"])
    served = editor.get(body["url"])
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in served.headers["Cache-Control"]
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.size == (1200, 600)
    # The address the editor received survives the sanitiser.
    html = f'<figure><img src="{body["url"]}" alt="Carte"></figure>'
    assert sanitize_html(html) == html


@pytest.mark.parametrize(("data", "alt", "name"), [
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "Un programme", "photo.png"),  # renamed .exe
    (png(), None, "carte.png"),  # no alternative text
    (png(), "   ", "carte.png"),
])
def test_bad_images_are_refused_and_nothing_is_stored(app, login, data, alt, name):
    editor = login("editor")
    response = upload(editor, data, alt=alt, name=name)
    assert response.status_code == 400
    assert response.get_json()["error"]
    assert content_uploads(app) == []


def test_images_need_a_csrf_token_and_a_writer(app, client, login):
    response = client.post("/editor/images", data={"image": (io.BytesIO(png()), "a.png"),
                                                   "alt": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 400  # no CSRF token
    member = login("member")
    assert upload(member, png()).status_code == 403
    assert content_uploads(app) == []


def test_without_javascript_an_image_and_its_alt_text_go_at_the_end_of_the_text(app, login):
    editor = login("editor")
    item_id = create(editor)
    data = form_data(version=1, image=(io.BytesIO(png()), "photo.png"),
                     image_alt="Participants à l'atelier")
    response = editor.post_form(f"/editor/{item_id}/edit", data,
                                content_type="multipart/form-data")
    assert response.status_code == 302
    body = stored(app, item_id).body_html
    assert re.search(r'<figure><img src="/content/images/[0-9a-f]{32}\.png" '
                     r'alt="Participants à l\'atelier"></figure>$', body)


def test_without_javascript_an_image_without_alt_text_is_refused(app, login):
    editor = login("editor")
    item_id = create(editor)
    data = form_data(version=1, body="<p>Texte gardé</p>", image=(io.BytesIO(png()), "p.png"))
    response = editor.post_form(f"/editor/{item_id}/edit", data,
                                content_type="multipart/form-data")
    assert response.status_code == 400
    assert "texte alternatif" in response.get_data(as_text=True)
    assert "Texte gardé" in response.get_data(as_text=True)
    assert content_uploads(app) == [] and stored(app, item_id).version == 1


def test_a_cover_image_gets_a_small_copy_for_the_lists(app, login, client):
    admin = login("admin")
    data = form_data(cover_image=(io.BytesIO(png(1600, 900)), "cover.png"),
                     cover_alt="Salle de réunion")
    response = admin.post_form("/editor/new/news", data, content_type="multipart/form-data")
    assert response.status_code == 302
    item_id = int(re.search(r"/editor/(\d+)/", response.headers["Location"]).group(1))
    publish(app, admin, item_id)
    names = [path.name for path in content_uploads(app)]
    assert len(names) == 2 and any(name.endswith("-480.png") for name in names)
    listing = client.get("/news/").get_data(as_text=True)
    small = re.search(r'src="(/content/images/[0-9a-f]{32}-480\.png)" alt="Salle de réunion"',
                      listing)
    assert small is not None
    with Image.open(io.BytesIO(client.get(small.group(1)).data)) as image:
        assert image.width == 480


# -- translations, public pages -------------------------------------------------------------------


def test_a_translation_is_linked_and_offered_on_the_page(app, client, login):
    admin = login("admin")
    french = create(admin, title="Note sur la mobilité")
    english = create(admin, title="Note on mobility", language="en", translation_of=str(french))
    assert stored(app, french).translation_key == stored(app, english).translation_key
    publish(app, admin, french)
    client.post_form("/logout")

    page = client.get("/news/note-sur-la-mobilite").get_data(as_text=True)
    assert "/news/note-on-mobility" not in page  # the English one is not public yet

    sign_in(client, "admin@test.crpm")
    publish(app, client, english)
    client.post_form("/logout")
    page = client.get("/news/note-sur-la-mobilite").get_data(as_text=True)
    assert re.search(r'<a href="/news/note-on-mobility\?lang=en" hreflang="en"', page)
    english_page = client.get("/news/note-on-mobility?lang=en").get_data(as_text=True)
    assert '<a href="/news/note-sur-la-mobilite?lang=fr" hreflang="fr"' in english_page


def test_a_translation_must_be_in_the_other_language(app, login):
    admin = login("admin")
    french = create(admin, title="Premier")
    response = admin.post_form("/editor/new/news", form_data(title="Second",
                                                             translation_of=str(french)))
    assert response.status_code == 400
    assert "dans l’autre langue" in response.get_data(as_text=True)


def test_item_pages_show_date_country_organisations_and_themes(app, client, login):
    from crpm_cms.organisations import services as organisations
    from crpm_cms.taxonomies.models import Term

    with app.app_context():
        ngo = organisations.save(None, organisations.OrganisationData(
            "Forum des diasporas", "cso", "SN"), None)
        theme = db.session.scalar(select(Term).where(Term.vocabulary == "theme"))
        ngo_id, theme_id, theme_label = ngo.id, theme.id, theme.label_en
    admin = login("admin")
    item_id = create(admin, organisations=[str(ngo_id)], themes=[str(theme_id)])
    publish(app, admin, item_id)
    set_dates(app, item_id, publish_at=datetime(2025, 3, 14, 9, 0))
    page = client.get("/news/atelier-regional-a-dakar?lang=en").get_data(as_text=True)
    assert "March 14, 2025" in page and "Senegal" in page
    assert "Forum des diasporas" in page and theme_label in page
    french = client.get("/news/atelier-regional-a-dakar?lang=fr").get_data(as_text=True)
    assert "14 mars 2025" in french


def test_lists_show_the_visitors_language_first(app, client, login):
    admin = login("admin")
    english = create(admin, title="English news", language="en")
    french = create(admin, title="Nouvelle en français")
    for item_id in (english, french):
        publish(app, admin, item_id)
    set_dates(app, french, publish_at=utcnow() - timedelta(days=10))  # older, but French
    page = client.get("/news/?lang=fr").get_data(as_text=True)
    assert page.index("Nouvelle en français") < page.index("English news")
    page = client.get("/news/?lang=en").get_data(as_text=True)
    assert page.index("English news") < page.index("Nouvelle en français")


def test_pages_of_a_list_continue_from_one_language_to_the_other(app, client):
    """22 French and 3 English news at 20 a page: page 1 is the 20 newest French items, page 2
    the 2 oldest French ones then the English ones, newest first; a page past the end is empty."""
    start = utcnow() - timedelta(days=100)
    with app.app_context():
        db.session.add_all(
            ContentItem(kind="news", slug=f"{language}-{number}", title=f"{language}-{number:02}",
                        language=language, status="published",
                        publish_at=start + timedelta(days=number))
            for language, count in (("fr", 22), ("en", 3)) for number in range(count))
        db.session.commit()

    def titles(url: str) -> list[str]:
        return re.findall(r">((?:fr|en)-\d\d)<", client.get(url).get_data(as_text=True))

    assert titles("/news/?lang=fr") == [f"fr-{n:02}" for n in range(21, 1, -1)]
    second = client.get("/news/?lang=fr&page=2").get_data(as_text=True)
    assert titles("/news/?lang=fr&page=2") == ["fr-01", "fr-00", "en-02", "en-01", "en-00"]
    assert "Page 2 sur 2" in second.replace("\u202f", " ").replace("\xa0", " ")
    assert titles("/news/?lang=en") == ["en-02", "en-01", "en-00"] + [
        f"fr-{n:02}" for n in range(21, 4, -1)]
    assert titles("/news/?lang=fr&page=9") == []


def test_publications_are_filtered_by_type_in_the_url(app, client, login):
    admin = login("admin")
    study = create(admin, "publication", title="Étude sur les transferts",
                   document_type="study")
    note = create(admin, "publication", title="Note de positionnement GCM",
                  document_type="position_note")
    for item_id in (study, note):
        publish(app, admin, item_id)
    everything = client.get("/notes/").get_data(as_text=True)
    assert "Étude sur les transferts" in everything and "Note de positionnement GCM" in everything
    filtered = client.get("/notes/?type=study").get_data(as_text=True)
    assert "Étude sur les transferts" in filtered and "Note de positionnement GCM" not in filtered
    assert '<option selected value="study">' in filtered
    assert 'value="news"' not in filtered  # news is not a type of publication
    assert client.get("/notes/?type=nonsense").status_code == 200
    assert client.get("/notes/etude-sur-les-transferts").status_code == 200
    assert client.get("/news/etude-sur-les-transferts").status_code == 404


def test_a_publication_needs_a_type(app, login):
    admin = login("admin")
    response = admin.post_form("/editor/new/publication", form_data(document_type=""))
    assert response.status_code == 400


# -- static pages ---------------------------------------------------------------------------------


def test_static_pages_are_written_by_admins_in_each_language(app, client, login):
    assert "not been written yet" in client.get("/legal?lang=en").get_data(as_text=True)
    admin = login("admin")
    french = create(admin, "page", page="legal", title="Mentions légales",
                    body="<p>Éditeur : Réseau CRPM.</p><p>Hébergeur : Dakar.</p>")
    english = create(admin, "page", page="legal", title="Legal notice", language="en",
                     body="<p>Publisher: CRPM network.</p>")
    assert (stored(app, french).slug, stored(app, english).slug) == ("legal", "legal-en")
    assert stored(app, french).translation_key == stored(app, english).translation_key
    again = admin.post_form("/editor/new/page", form_data(page="legal", title="Doublon"))
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)
    for item_id in (french, english):
        publish(app, admin, item_id)
    client.post_form("/logout")

    legal = client.get("/legal?lang=fr").get_data(as_text=True)
    assert "<p>Éditeur : Réseau CRPM.</p>" in legal and "<p>Hébergeur : Dakar.</p>" in legal
    assert "Publisher: CRPM network." in client.get("/legal?lang=en").get_data(as_text=True)
    assert "not been written yet" in client.get("/privacy?lang=en").get_data(as_text=True)
    assert client.get("/about").status_code == 200 and client.get("/contact").status_code == 200
    home = client.get("/").get_data(as_text=True)
    assert 'href="/legal"' in home and 'href="/privacy"' in home  # the footer links stay


def test_static_pages_are_not_for_editors(app, login):
    editor = login("editor")
    assert editor.get("/editor/new/page").status_code == 403
    assert editor.post_form("/editor/new/page", form_data(page="about")).status_code == 403


def test_the_legal_texts_are_no_longer_site_settings(app, login):
    page = login("admin").get("/admin/settings").get_data(as_text=True)
    assert "legal_notice" not in page and "privacy_policy" not in page
    with app.app_context():
        assert "legal_notice" not in app.extensions["crpm_settings"]


# -- menus and query counts -----------------------------------------------------------------------


def test_menus_offer_news_publications_and_the_editor_to_editors(app, client, login):
    home = client.get("/?lang=en").get_data(as_text=True)
    assert 'href="/news/">News<' in home and 'href="/notes/">Publications<' in home
    assert 'href="/editor/"' not in home
    assert 'href="/editor/"' in login("editor").get("/?lang=en").get_data(as_text=True)


def add_published(app: Flask, kind: str, count: int, start: int) -> None:
    """Many live items with an organisation and a theme each (what could cause N+1 queries)."""
    from crpm_cms.organisations import services as organisations
    from crpm_cms.taxonomies.models import Term

    with app.app_context():
        author = users.find_by_email("admin@test.crpm")
        ngo = organisations.save(None, organisations.OrganisationData(
            f"ONG {start}", "cso", "SN"), None)
        theme = db.session.scalar(select(Term).where(Term.vocabulary == "theme"))
        for number in range(start, start + count):
            item = ContentItem(kind=kind, slug=f"{kind}-{number}", title=f"Titre {number}",
                               language="fr" if number % 2 else "en", country_code="SN",
                               document_type="study" if kind == "publication" else None,
                               status="published", publish_at=utcnow() - timedelta(hours=1),
                               author_id=author.id, cover_image=None)
            item.themes, item.organisations = [theme], [ngo]
            db.session.add(item)
        db.session.commit()


@pytest.mark.parametrize(("kind", "url"), [("news", "/news/"), ("publication", "/notes/"),
                                           ("publication", "/notes/?type=study")])
def test_list_pages_use_the_same_number_of_queries_for_10_or_200_items(app, client, people,
                                                                        kind, url):
    add_published(app, kind, 10, 0)
    few = queries_of_page(app, client, url)
    add_published(app, kind, 190, 10)
    assert queries_of_page(app, client, url) == few
    assert queries_of_page(app, client, url + ("&" if "?" in url else "?") + "page=3") == few
