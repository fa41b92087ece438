"""iCalendar feeds of the webinars plugin, read back with two independent parsers (icalendar and
vobject), conditional requests, the personal secret feed, and the invitations in e-mails."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import vobject
from flask import Flask

from crpm_cms.testing import counted_queries

from .helpers import (
    RAMADAN_DAY,
    SECRET_LINK,
    add_event,
    browser,
    form_fields,
    in_days,
    message_parts,
    stored_event,
    subject,
    text,
)


def events_of(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(item["UID"]): item for item in calendar.walk("VEVENT")}


def utc_start(item: icalendar.Event) -> datetime:
    return item.decoded("DTSTART").astimezone(UTC).replace(tzinfo=None)


def test_the_public_feed_reads_the_same_with_icalendar_and_vobject(app: Flask) -> None:
    ramadan = add_event(app, timezone="Africa/Casablanca", starts_local=RAMADAN_DAY,
                        ends_local=RAMADAN_DAY + timedelta(hours=2), country_codes=["MA"])
    paris = add_event(app, timezone="Europe/Paris", starts_local=in_days(20, 18))
    comoro = add_event(app, timezone="Indian/Comoro", starts_local=in_days(25, 14),
                       status="cancelled")
    response = browser(app).get("/events/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.data

    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=6)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {
        "Africa/Casablanca", "Europe/Paris", "Indian/Comoro"}
    items = events_of(body)
    stored = {event_id: stored_event(app, event_id) for event_id in (ramadan, paris, comoro)}
    assert set(items) == {event.uid for event in stored.values()}
    for event in stored.values():
        assert utc_start(items[event.uid]) == event.starts_at
    assert str(items[stored[comoro].uid]["STATUS"]) == "CANCELLED"
    assert str(items[stored[paris].uid]["STATUS"]) == "CONFIRMED"

    parsed = vobject.readOne(body.decode())
    by_uid = {item.uid.value: item for item in parsed.vevent_list}
    for event in stored.values():
        start = by_uid[event.uid].dtstart.value.astimezone(UTC).replace(tzinfo=None)
        assert start == event.starts_at
    assert by_uid[stored[ramadan].uid].dtstart.value.utcoffset() == timedelta(0)
    assert by_uid[stored[comoro].uid].status.value == "CANCELLED"

    # A client that trusts the VTIMEZONE rather than its own tz database (Outlook does) must
    # still put the Casablanca event at 10:00 UTC: rename the zone so no parser can look it up.
    anonymous = body.decode().replace("Africa/Casablanca", "Custom/Morocco-as-described")
    start = {item.uid.value: item for item in vobject.readOne(anonymous).vevent_list}[
        stored[ramadan].uid].dtstart.value
    assert start.utcoffset() == timedelta(0)
    assert start.astimezone(UTC).replace(tzinfo=None) == datetime(2027, 2, 25, 10, 0)
    zone = next(tz for tz in icalendar.Calendar.from_ical(anonymous).walk("VTIMEZONE")
                if str(tz["TZID"]) == "Custom/Morocco-as-described").to_tz(lookup_tzid=False)
    assert RAMADAN_DAY.replace(tzinfo=zone).utcoffset() == timedelta(0)
    assert datetime(2027, 4, 1, 10).replace(tzinfo=zone).utcoffset() == timedelta(hours=1)


def test_uids_stay_and_the_sequence_rises_with_every_change(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    editor = login("editor")
    created = editor.post_form("/events/new", form_fields())
    event_id = int(created.headers["Location"].rsplit("/", 1)[1])
    uid = stored_event(app, event_id).uid

    def feed_item() -> icalendar.Event:
        return events_of(browser(app).get(f"/events/{event_id}.ics").data)[uid]

    assert int(feed_item()["SEQUENCE"]) == 0
    editor.post_form(f"/events/{event_id}/edit", form_fields(title_fr="Forum renommé"))
    assert int(feed_item()["SEQUENCE"]) == 1 and str(feed_item()["SUMMARY"]) == "Forum renommé"
    editor.post_form(f"/events/{event_id}/edit", form_fields(title_fr="Forum renommé"))
    assert int(feed_item()["SEQUENCE"]) == 1, "saving without a change changes nothing"
    later = in_days(41)
    editor.post_form(f"/events/{event_id}/edit", form_fields(
        title_fr="Forum renommé", starts_local=later.strftime("%Y-%m-%dT%H:%M"),
        ends_local=(later + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), status="cancelled"))
    item = feed_item()
    assert int(item["SEQUENCE"]) == 2 and str(item["STATUS"]) == "CANCELLED"
    assert utc_start(item) == later  # Dakar is on UTC all year
    assert uid in events_of(browser(app).get("/events/calendar.ics").data)


def queries_during(app: Flask, fetch) -> int:  # type: ignore[no-untyped-def]
    """How many SQL statements the app ran while ``fetch()`` was answered."""
    with counted_queries(app) as statements:
        fetch()
    return len(statements)


def test_feeds_answer_conditional_requests_cheaply(app: Flask) -> None:
    event_id = add_event(app)
    client = browser(app)
    first = client.get("/events/calendar.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.status_code == 200 and first.headers["Cache-Control"].startswith("public")
    again = client.get("/events/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    since = client.get("/events/calendar.ics", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    one = client.get(f"/events/{event_id}.ics")
    assert client.get(f"/events/{event_id}.ics",
                      headers={"If-None-Match": one.headers["ETag"]}).status_code == 304

    def revalidate() -> None:
        assert client.get("/events/calendar.ics",
                          headers={"If-None-Match": client.get(
                              "/events/calendar.ics").headers["ETag"]}).status_code == 304

    few = queries_during(app, revalidate)
    for days in range(2, 7):  # five more events, in another zone
        add_event(app, starts_local=in_days(days), timezone="Africa/Tunis")
    assert queries_during(app, revalidate) == few, "a 304 costs the same however many events"
    changed = client.get("/events/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_the_personal_feed_is_secret_revocable_and_has_the_joining_links(app: Flask,  # type: ignore[no-untyped-def]
                                                                          people) -> None:
    event_id = add_event(app, capacity=1, title_fr="Webinaire réservé")
    full_id = add_event(app, capacity=1, title_fr="Complet d'avance")
    member = browser(app, people["member"])
    other = browser(app, people["editor"])
    assert other.post_form(f"/events/{full_id}/register").status_code == 303
    member.post_form(f"/events/{event_id}/register")
    member.post_form(f"/events/{full_id}/register")  # waiting list: not in the feed
    account = text(member, "/account")
    feed_url = re.search(r'<code class="token feed-url">([^<]+)</code>', account).group(1)
    path = feed_url.split("localhost", 1)[1]
    response = browser(app).get(path)  # a calendar application: no session
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
    items = events_of(response.data)
    assert [str(item["SUMMARY"]) for item in items.values()] == ["Webinaire réservé"]
    item = next(iter(items.values()))
    assert SECRET_LINK in str(item["DESCRIPTION"]) and SECRET_LINK in str(item["LOCATION"])
    assert SECRET_LINK in vobject.readOne(response.data.decode()).vevent.description.value
    assert browser(app).get(path[:-6] + "x.ics").status_code == 404
    assert browser(app).get("/events/feeds/1.not-a-token.ics").status_code == 404

    assert member.post_form("/events/feeds/reset").status_code == 303
    assert browser(app).get(path).status_code == 404, "the old address is revoked"
    new_url = re.search(r'<code class="token feed-url">([^<]+)</code>',
                        text(member, "/account")).group(1)
    assert new_url != feed_url
    assert browser(app).get(new_url.split("localhost", 1)[1]).status_code == 200






def test_confirmations_carry_an_invitation_and_cancellations_withdraw_it(mail_app,  # type: ignore[no-untyped-def]
                                                                          people) -> None:
    app, inbox = mail_app
    event_id = add_event(app, timezone="Africa/Casablanca", starts_local=RAMADAN_DAY,
                         ends_local=RAMADAN_DAY + timedelta(hours=2))
    member = browser(app, people["member"])
    member.post_form(f"/events/{event_id}/register")
    assert len(inbox.messages) == 1
    parts = message_parts(inbox.messages[0])
    body = parts["text/plain"].get_payload(decode=True).decode()
    assert subject(inbox.messages[0]) == "Vous êtes inscrit·e : Webinaire des réseaux"
    assert SECRET_LINK in body and "UTC+00:00" in body
    calendar_part = parts["text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    invitation = icalendar.Calendar.from_ical(calendar_part.get_payload(decode=True))
    assert str(invitation["METHOD"]) == "REQUEST"
    item = invitation.walk("VEVENT")[0]
    assert str(item["UID"]) == stored_event(app, event_id).uid
    assert str(item["ATTENDEE"]).lower() == f"mailto:{people['member']}"
    assert utc_start(item) == datetime(2027, 2, 25, 10, 0)
    assert parts["application/ics"].get_filename() == "invitation.ics"

    member.post_form(f"/events/{event_id}/withdraw")
    assert len(inbox.messages) == 2
    cancel = message_parts(inbox.messages[1])["text/calendar"]
    assert cancel.get_param("method") == "CANCEL"
    assert SECRET_LINK not in message_parts(inbox.messages[1])["text/plain"].get_payload(
        decode=True).decode()
