"""The webinars plugin's calendar pages, event form, time zones, API and on/off switch.

Helpers at the top are shared by the other ``test_webinars_*`` modules."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from crpm_plugins.webinars.models import WebinarEvent
from crpm_plugins.webinars.services import MaterialData
from flask import Flask
from openapi_spec_validator import validate
from sqlalchemy import func, select

from crpm_cms.plugin_api import db, utcnow
from crpm_cms.testing import add_document, set_plugin_enabled

from .helpers import (
    RAMADAN_DAY,
    SECRET_LINK,
    add_event,
    browser,
    form_fields,
    in_days,
    readable,
    stored_event,
    text,
)

# -- helpers shared by the webinars tests ---------------------------------------------------------






















def event_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(WebinarEvent))


# -- creating and editing events ------------------------------------------------------------------


def test_an_editor_creates_an_event_that_everyone_then_sees(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    editor = login("editor")
    assert editor.get("/events/new").status_code == 200
    response = editor.post_form("/events/new", form_fields())
    assert response.status_code == 303, response.get_data(as_text=True)
    event_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    visitor = browser(app)
    page = text(visitor, f"/events/{event_id}?lang=fr")
    assert "Forum des diasporas" in page and "Awa Diop" in page
    assert "Dakar" in page and "UTC+00:00" in page
    assert "Forum des diasporas" in text(visitor, "/events/")
    assert "Diaspora forum" in text(visitor, f"/events/{event_id}?lang=en")
    stored = stored_event(app, event_id)
    assert stored.timezone == "Africa/Dakar" and stored.capacity == 30


BAD_INPUT = [
    ({"ends_local": in_days(39).strftime("%Y-%m-%dT%H:%M")},
     "L'événement doit se terminer après son début."),
    ({"timezone": "Mars/Olympus_Mons"}, "Choisissez un fuseau horaire dans la liste"),
    ({"timezone": "Etc/GMT-1"}, "Choisissez un fuseau horaire dans la liste"),
    ({"timezone": "Egypt"}, "Choisissez un fuseau horaire dans la liste"),  # an old alias
    ({"timezone": "Europe/Paris", "starts_local": "2027-03-28T02:30",
      "ends_local": "2027-03-28T04:00"}, "Cette heure n'existe pas à Europe/Paris"),
    ({"joining_url": "javascript:alert(1)"}, "Le lien de connexion doit commencer par"),
    ({"capacity": "0"}, "Indiquez un nombre de places de 1 à 100000"),
    ({"kind": "party"}, "Choisissez un type d'événement dans la liste."),
    ({"title_fr": "", "title_en": ""}, "Donnez un titre à l'événement"),
    ({"starts_local": "le 3 mars"}, "Saisissez une date et une heure comme 2027-02-25 10:00."),
    ({"format": "in_person"}, "Indiquez où se tient l'événement."),
    ({"materials-0-url": "ftp://example.org/x"}, "Le lien d'un document doit commencer par"),
    ({"materials-0-document": "no-such-document"}, "Aucun document de la bibliothèque"),
]


def test_bad_input_gets_a_translated_error_and_saves_nothing(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    editor = login("editor")
    for changes, message in BAD_INPUT:
        response = editor.post_form("/events/new?lang=fr", form_fields(**changes))
        assert response.status_code == 400, changes
        assert message in readable(response.get_data(as_text=True)), changes
    assert event_count(app) == 0


def test_a_save_over_someone_elses_is_refused_and_keeps_the_typed_changes(app: Flask,
                                                                         people) -> None:  # type: ignore[no-untyped-def]
    event_id = add_event(app, country_codes=["SN"])
    first, second = browser(app, people["editor"]), browser(app, people["admin"])
    seen = [re.search(r'name="sequence" type="hidden" value="(\d+)"', text(client, f"/events/"
                                                                             f"{event_id}/edit"))
            for client in (first, second)]
    sequence = seen[0].group(1)
    assert seen[1].group(1) == sequence
    saved = first.post_form(f"/events/{event_id}/edit",
                            form_fields(title_fr="Titre de la première", sequence=sequence))
    assert saved.status_code == 303
    refused = second.post_form(f"/events/{event_id}/edit?lang=en",
                               form_fields(title_fr="Titre de la seconde", sequence=sequence))
    page = readable(refused.get_data(as_text=True))
    assert refused.status_code == 409
    assert "Someone else saved this event while you were editing it" in page
    assert 'value="Titre de la seconde"' in page  # nothing typed is lost
    assert stored_event(app, event_id).title_fr == "Titre de la première"
    current = re.search(r'name="sequence" type="hidden" value="(\d+)"', page).group(1)
    assert int(current) > int(sequence)
    again = second.post_form(f"/events/{event_id}/edit",
                             form_fields(title_fr="Titre de la seconde", sequence=current))
    assert again.status_code == 303
    assert stored_event(app, event_id).title_fr == "Titre de la seconde"


def test_editors_manage_the_events_of_their_countries_only(app: Flask, people) -> None:  # type: ignore[no-untyped-def]
    event_id = add_event(app, country_codes=["SN"], timezone="Africa/Casablanca",
                         starts_local=RAMADAN_DAY, ends_local=RAMADAN_DAY + timedelta(hours=3))
    page = text(browser(app, people["editor"]), f"/events/{event_id}/edit")
    assert 'value="2027-02-25T10:00"' in page and 'value="2027-02-25T13:00"' in page
    assert '<option selected value="Africa/Casablanca">' in page and 'value="Awa Diop"' in page
    other = browser(app, people["editor_other_country"])
    assert other.get(f"/events/{event_id}/edit").status_code == 403
    assert other.post_form(f"/events/{event_id}/edit", form_fields()).status_code == 403
    refused = other.post_form("/events/new?lang=en", form_fields(countries="SN"))
    assert refused.status_code == 400
    assert "Include at least one of the countries you manage events for: CI." in \
        readable(refused.get_data(as_text=True))
    assert other.post_form("/events/new", form_fields(countries="CI")).status_code == 303
    member = browser(app, people["member"])
    assert member.get("/events/new").status_code == 403
    assert stored_event(app, event_id).title_fr == "Webinaire des réseaux"


# -- time zones -----------------------------------------------------------------------------------


def test_casablanca_during_ramadan_shows_the_right_utc_instant(app: Flask) -> None:
    # The system tz database is the reference: Morocco is on UTC+0 during Ramadan 2027.
    casablanca = ZoneInfo("Africa/Casablanca")
    assert RAMADAN_DAY.replace(tzinfo=casablanca).utcoffset() == timedelta(0)
    after = datetime(2027, 4, 15, 10, 0)
    assert after.replace(tzinfo=casablanca).utcoffset() == timedelta(hours=1)
    during_id = add_event(app, timezone="Africa/Casablanca", starts_local=RAMADAN_DAY,
                          ends_local=RAMADAN_DAY + timedelta(hours=2), country_codes=["MA"])
    after_id = add_event(app, timezone="Africa/Casablanca", starts_local=after,
                         ends_local=after + timedelta(hours=2), country_codes=["MA"])
    assert stored_event(app, during_id).starts_at == datetime(2027, 2, 25, 10, 0)
    assert stored_event(app, after_id).starts_at == datetime(2027, 4, 15, 9, 0)

    visitor = browser(app)
    visitor.set_cookie("crpm_tz", "Europe/Paris")
    page = text(visitor, f"/events/{during_id}?lang=en")
    assert "Event time — Casablanca (UTC+00:00)" in page
    assert "Thursday, February 25, 2027, 10:00 AM - 12:00 PM" in page
    assert "Your time — Paris (UTC+01:00)" in page
    assert "Thursday, February 25, 2027, 11:00 AM - 1:00 PM" in page
    assert 'datetime="2027-02-25T10:00:00Z"' in page
    answer = visitor.get(f"/api/v1/events/{during_id}").json
    assert (answer["start"], answer["start_utc"]) == ("2027-02-25T10:00:00+00:00",
                                                      "2027-02-25T10:00:00Z")
    assert visitor.get(f"/api/v1/events/{after_id}").json["start_utc"] == "2027-04-15T09:00:00Z"


def test_the_viewers_zone_comes_from_the_profile_then_the_browser(app: Flask, people) -> None:  # type: ignore[no-untyped-def]
    event_id = add_event(app, timezone="Indian/Comoro")
    member = browser(app, people["member"])
    page = text(member, f"/events/{event_id}?lang=en")
    assert "Your time —" not in page and "data-viewer-zone-unknown" in page
    member.set_cookie("crpm_tz", "Europe/Paris")
    assert "Your time — Paris" in text(member, f"/events/{event_id}?lang=en")
    saved = member.post_form("/events/time-zone?lang=en", {"timezone": "America/Sao_Paulo"})
    assert saved.status_code == 303
    page = text(member, f"/events/{event_id}?lang=en")
    assert "Your time — São Paulo (UTC-03:00)" in page and "Paris" not in page
    assert '<option selected value="America/Sao_Paulo">' in text(member, "/account")
    for wrong in ("Etc/GMT+3", "Atlantis/Capital", "UTC+01:00"):
        member.post_form("/events/time-zone", {"timezone": wrong})
        assert "Choose a time zone from the list." in text(member, "/account?lang=en")
    assert "Your time — São Paulo" in text(member, f"/events/{event_id}?lang=en")
    member.set_cookie("crpm_tz", "Not/A_Zone")
    member.post_form("/events/time-zone", {"timezone": ""})  # back to the browser's zone
    page = text(member, f"/events/{event_id}?lang=en")
    assert "Your time —" not in page


def test_the_month_grid_puts_events_on_the_viewers_day_without_javascript(app: Flask) -> None:
    late = datetime(2027, 2, 28, 23, 30)  # Casablanca; already 1 March in the Comoros
    event_id = add_event(app, timezone="Africa/Casablanca", starts_local=late,
                         ends_local=late + timedelta(hours=1), title_fr="Veillée de dialogue",
                         title_en="")
    visitor = browser(app)
    visitor.set_cookie("crpm_tz", "Africa/Casablanca")
    february = text(visitor, "/events/month?month=2027-02&lang=en")
    cell = february.split('Sunday </span>28</span>')[1].split("</td>")[0]
    assert f'href="/events/{event_id}"' in cell and "11:30 PM" in cell
    visitor.set_cookie("crpm_tz", "Indian/Comoro")
    march = text(visitor, "/events/month?month=2027-03&lang=en")
    cell = march.split('Monday </span>1</span>')[1].split("</td>")[0]
    assert "Veillée de dialogue" in cell and "2:30 AM" in cell
    assert "Veillée de dialogue" not in text(visitor, "/events/month?month=2027-02")
    assert "<script" not in february.split('<table class="month-grid">')[1].split("</table>")[0]
    assert browser(app).get("/events/month?month=banana").status_code == 200


def test_filters_stay_in_the_url(app: Flask) -> None:
    add_event(app, kind="gender_workshop", title_fr="Rencontre de Moroni", country_codes=["KM"])
    add_event(app, kind="webinar", title_fr="Webinaire santé", country_codes=["SN"])
    visitor = browser(app)
    page = text(visitor, "/events/?kind=gender_workshop")
    assert "Rencontre de Moroni" in page and "Webinaire santé" not in page
    assert 'href="/events/month?kind=gender_workshop"' in page
    page = text(visitor, "/events/?country=SN&format=online")
    assert "Webinaire santé" in page and "Rencontre de Moroni" not in page
    assert "Rencontre de Moroni" in text(visitor, "/events/?kind=unknown-kind")  # ignored


def test_past_events_show_their_materials_to_those_who_may_see_them(app: Flask, people,  # type: ignore[no-untyped-def]
                                                                    tmp_path) -> None:
    documents = {"library_members": add_document(app, b"Compte rendu.", "members.txt",
                                                 title="Document reserve", access="members",
                                                 uploader=people["editor"])}
    event_id = add_event(app, starts_local=in_days(-10), materials=[
        MaterialData("recording", "Replay", "https://video.example.org/replay-1"),
        MaterialData("report", "", document_slug=str(documents["library_members"]))])
    anonymous = text(browser(app), "/events/past")
    assert "Webinaire des réseaux" in anonymous
    page = text(browser(app), f"/events/{event_id}")
    assert "https://video.example.org/replay-1" in page
    assert f'/library/{documents["library_members"]}' not in page
    member_page = text(browser(app, people["member"]), f"/events/{event_id}")
    assert f'/library/{documents["library_members"]}' in member_page
    assert "Webinaire des réseaux" not in text(browser(app), "/events/")


# -- the joining link, the API, the home page ------------------------------------------------------


def test_the_joining_link_appears_on_no_public_surface(app: Flask, people) -> None:  # type: ignore[no-untyped-def]
    event_id = add_event(app)
    past_id = add_event(app, starts_local=in_days(-3), title_fr="Passé")
    member = browser(app, people["member"])
    assert member.post_form(f"/events/{event_id}/register").status_code == 303
    everyone = [browser(app), member]  # a visitor, and the registrant who holds the link
    public_pages = ["/", "/events/", "/events/past", "/events/month",
                    f"/events/month?month={in_days(30):%Y-%m}", f"/events/{event_id}",
                    f"/events/{past_id}", "/events/calendar.ics", f"/events/{event_id}.ics",
                    "/api/v1/events", "/api/v1/events?when=past", f"/api/v1/events/{event_id}",
                    "/api/v1/openapi.json", "/sitemap.xml", "/feeds/news.atom"]
    for client in everyone:
        for url in public_pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert SECRET_LINK not in response.get_data(as_text=True), url
    assert SECRET_LINK in text(member, "/account")  # the registrant's own page has it


def test_the_api_lists_events_and_the_openapi_document_describes_it(app: Flask) -> None:
    soon = add_event(app, starts_local=in_days(2), capacity=12)
    later = add_event(app, starts_local=in_days(9), title_en="Later webinar")
    past_id = add_event(app, starts_local=in_days(-9))
    client = browser(app)
    listing = client.get("/api/v1/events").json
    assert [item["id"] for item in listing["results"]] == [soon, later]
    first = listing["results"][0]
    assert first["seats_left"] == 12 and first["registration_open"] is True
    assert first["timezone"] == "Africa/Dakar" and "joining_url" not in first
    assert [i["id"] for i in client.get("/api/v1/events?when=past").json["results"]] == [past_id]
    paged = client.get("/api/v1/events?per_page=1").json
    assert len(paged["results"]) == 1 and paged["next"].endswith("page=2")
    for wrong in ("when=tomorrow", "per_page=500", "page=0"):
        response = client.get(f"/api/v1/events?{wrong}")
        assert response.status_code == 400 and "error" in response.json
    missing = client.get("/api/v1/events/999999")
    assert missing.status_code == 404 and missing.is_json
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert {"/events", "/events/{id}"} <= set(document["paths"])
    assert "CalendarEvent" in document["components"]["schemas"]


def test_the_home_page_shows_the_next_events(app: Flask) -> None:
    add_event(app, starts_local=in_days(3), title_fr="Prochain webinaire")
    add_event(app, starts_local=in_days(-3), title_fr="Webinaire passé")
    add_event(app, starts_local=in_days(4), title_fr="Annulé", status="cancelled")
    home = text(browser(app), "/?lang=fr")
    block = home.split('class="webinars-home"')[1].split("</section>")[0]
    assert "Prochain webinaire" in block
    assert "Webinaire passé" not in block and "Annulé" not in block


# -- the plugin switch and the demo ----------------------------------------------------------------


def test_disabled_the_pages_answer_404_and_the_data_stays(app: Flask, people) -> None:  # type: ignore[no-untyped-def]

    event_id = add_event(app)
    member = browser(app, people["member"])
    member.post_form(f"/events/{event_id}/register")
    urls = ["/events/", f"/events/{event_id}", "/events/calendar.ics", f"/events/{event_id}.ics",
            "/api/v1/events", "/events/static/webinars.js", "/events/month"]
    with app.app_context():
        set_plugin_enabled("webinars", False)
    for url in urls:
        assert member.get(url).status_code == 404, url
    assert member.post_form(f"/events/{event_id}/withdraw").status_code == 404
    assert "/events/" not in text(member, "/")
    assert "/events" not in member.get("/api/v1/openapi.json").json["paths"]
    assert 'id="webinars-account"' not in text(member, "/account")
    assert event_count(app) == 1
    with app.app_context():
        set_plugin_enabled("webinars", True)
    for url in urls:
        assert member.get(url).status_code == 200, url
    assert "Webinaire des réseaux" in text(member, "/account")


def test_demo_data_is_loaded_once_in_several_zones(app: Flask) -> None:
    from crpm_plugins.webinars import demo

    from crpm_cms.testing import load_demo_data

    with app.app_context():
        load_demo_data("demo-password-1")
        demo.load()
        demo.load()
        zones = set(db.session.scalars(select(WebinarEvent.timezone)))
        starts = list(db.session.scalars(select(WebinarEvent.starts_at)))
    assert event_count(app) == len(demo.DEMO_EVENTS)
    assert {"Africa/Casablanca", "Indian/Comoro", "Europe/Paris", "Africa/Dakar"} <= zones
    assert any(start < utcnow() for start in starts) and any(start > utcnow() for start in starts)


def test_search_finds_events_but_never_their_joining_link(app: Flask, login) -> None:  # type: ignore[no-untyped-def]

    editor = login("editor")
    created = editor.post_form("/events/new", form_fields(
        title_fr="Forum des diasporas sénégalaises", description_fr="Transferts et épargne."))
    event_id = int(created.headers["Location"].rsplit("/", 1)[1])
    visitor = browser(app)

    def found(query: str) -> list[str]:
        answer = visitor.get(f"/api/v1/search?q={query}&kind=event")
        assert answer.status_code == 200 and SECRET_LINK not in answer.get_data(as_text=True)
        return [result["url"] for result in answer.json["results"]]

    assert any(url.endswith(f"/events/{event_id}") for url in found("diasporas"))
    assert any(url.endswith(f"/events/{event_id}") for url in found("epargne"))
    assert found("salle-secrete-4711") == [] and found("visio.example.org") == []
    page = visitor.get("/search?q=diasporas")
    assert page.status_code == 200 and SECRET_LINK not in page.get_data(as_text=True)
    assert f"/events/{event_id}" in page.get_data(as_text=True)
    with app.app_context():
        set_plugin_enabled("webinars", False)
    assert "/events/" not in visitor.get("/search?q=diasporas").get_data(as_text=True)
    with app.app_context():
        set_plugin_enabled("webinars", True)
    assert any(url.endswith(f"/events/{event_id}") for url in found("diasporas"))
