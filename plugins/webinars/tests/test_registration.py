"""Registering for events: the waiting list and its promotions (with e-mails, on a real SMTP
server), registration windows, attendance, exports, statistics and speaker balance."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from crpm_plugins.webinars import registration
from crpm_plugins.webinars.models import WebinarEvent
from crpm_plugins.webinars.services import SpeakerData
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from crpm_cms.plugin_api import Registration, RegistrationActivity, db, utcnow
from crpm_cms.testing import accounts as users

from .helpers import (
    SECRET_LINK,
    add_event,
    add_member,
    browser,
    form_fields,
    in_days,
    message_parts,
    readable,
    states,
    subject,
    text,
    user_id,
)


def recipients(inbox, start: int = 0) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(message["To"], subject(message)) for message in inbox.messages[start:]]


def members(app: Flask, count: int, prefix: str = "membre") -> list[str]:
    return [add_member(app, f"{prefix}{number}@test.crpm") for number in range(count)]


def test_a_member_registers_and_cancels(mail_app) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    event_id = add_event(app, capacity=10)
    email = add_member(app, "awa@test.crpm", language="en")
    member = browser(app, email)
    response = member.post_form(f"/events/{event_id}/register?lang=en")
    assert response.status_code == 303
    page = text(member, f"/events/{event_id}")
    assert "You are registered." in page and "9 seats left out of 10." in page
    assert "Your registration: registered." in page and SECRET_LINK not in page
    assert member.post_form(f"/events/{event_id}/register").status_code == 303  # twice: same
    assert states(app, event_id) == {user_id(app, email): "registered"}
    member.post_form(f"/events/{event_id}/withdraw")
    page = text(member, f"/events/{event_id}")
    assert "Your registration is cancelled." in page and "10 seats left out of 10." in page
    assert recipients(inbox) == [(email, "You are registered: Networks webinar"),
                                 (email, "Registration cancelled: Networks webinar")]
    assert browser(app).post_form(f"/events/{event_id}/register").status_code == 302  # login


def test_the_waiting_list_is_promoted_in_order_with_an_email(mail_app) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    event_id = add_event(app, capacity=2)
    emails = members(app, 5)
    clients = [browser(app, email) for email in emails]
    for client in clients:
        client.post_form(f"/events/{event_id}/register")
    ids = [user_id(app, email) for email in emails]
    assert list(states(app, event_id).values()) == ["registered"] * 2 + ["waitlisted"] * 3
    assert "vous êtes numéro 2 sur la liste d’attente" in text(clients[3], f"/events/{event_id}")
    before = len(inbox.messages)

    clients[0].post_form(f"/events/{event_id}/withdraw")
    assert states(app, event_id)[ids[2]] == "registered"
    assert states(app, event_id)[ids[3]] == "waitlisted"
    assert recipients(inbox, before) == [
        (emails[0], "Inscription annulée : Webinaire des réseaux"),
        (emails[2], "Une place pour vous : Webinaire des réseaux")]
    promoted = message_parts(inbox.messages[-1])
    assert promoted["text/calendar"].get_param("method") == "REQUEST"
    assert SECRET_LINK in promoted["text/plain"].get_payload(decode=True).decode()

    clients[3].post_form(f"/events/{event_id}/withdraw")  # someone waiting leaves: no seat
    clients[1].post_form(f"/events/{event_id}/withdraw")
    assert states(app, event_id)[ids[4]] == "registered"
    assert recipients(inbox)[-1] == (emails[4], "Une place pour vous : Webinaire des réseaux")


def test_adding_seats_promotes_the_waiting_list(mail_app, people) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    editor = browser(app, people["editor"])
    created = editor.post_form("/events/new", form_fields(capacity="1"))
    event_id = int(created.headers["Location"].rsplit("/", 1)[1])
    emails = members(app, 3)
    for email in emails:
        browser(app, email).post_form(f"/events/{event_id}/register")
    editor.post_form(f"/events/{event_id}/edit", form_fields(capacity="2"))
    assert list(states(app, event_id).values()) == ["registered", "registered", "waitlisted"]
    assert recipients(inbox)[-1] == (emails[1], "Une place pour vous : Forum des diasporas")


def test_registration_follows_the_window_and_the_status(app: Flask, people) -> None:  # type: ignore[no-untyped-def]
    cases = {
        "Les inscriptions ne sont pas encore ouvertes.":
            add_event(app, registration_opens_local=in_days(5)),
        "Les inscriptions sont closes.": add_event(app, registration_closes_local=in_days(-1)),
        "Cet événement est annulé.": add_event(app, status="cancelled"),
        "Cet événement est reporté": add_event(app, status="postponed"),
    }
    started = add_event(app, starts_local=in_days(0, 0), ends_local=in_days(3))
    cases["Les inscriptions sont closes."] = started
    member = browser(app, people["member"])
    for message, event_id in cases.items():
        assert message in text(member, f"/events/{event_id}?lang=fr")
        member.post_form(f"/events/{event_id}/register")
        assert message in text(member, f"/events/{event_id}")
        assert states(app, event_id) == {}
    past = add_event(app, starts_local=in_days(-2))
    member.post_form(f"/events/{past}/withdraw")
    assert "Vous n’êtes pas inscrit·e à cet événement." in text(member, f"/events/{past}")


def move_to_the_past(app: Flask, event_id: int) -> None:
    """The event took place last week (only its UTC instants move: a test shortcut)."""
    with app.app_context():
        event = db.session.get(WebinarEvent, event_id)
        event.starts_at = utcnow() - timedelta(days=7)
        event.ends_at = event.starts_at + timedelta(hours=2)
        db.session.commit()


def registration_ids(app: Flask, event_id: int) -> dict[int, int]:
    """user id → registration id for the event."""
    with app.app_context():
        return dict(db.session.execute(
            select(Registration.user_id, Registration.id)
            .join(RegistrationActivity, Registration.activity_id == RegistrationActivity.id)
            .where(RegistrationActivity.external_id == event_id)).all())


# Who attended: 4 women of Senegal, 3 men of Côte d'Ivoire, then one person each from Morocco,
# Tunisia and Guinea (merged into "other", 3 people); one more registrant from Senegal is absent.
ATTENDEES = [("SN", "woman")] * 4 + [("CI", "man")] * 3 + [("MA", "woman"), ("TN", "man"),
                                                           ("GN", "woman")]


def past_event_with_people(app: Flask) -> tuple[int, list[str]]:
    """A finished event with eleven registrants of several countries and genders; they
    registered through the plugin's service (the HTTP path is tested above)."""
    emails = [add_member(app, f"p{number}@test.crpm", country_code=country, gender=gender)
              for number, (country, gender) in enumerate([*ATTENDEES, ("SN", "man")])]
    event_id = add_event(app, starts_local=in_days(3), speakers=[
        SpeakerData("Awa Diop", "", "woman"), SpeakerData("Moussa Fall", "", "man"),
        SpeakerData("Nadia Benali", "", "woman"), SpeakerData("Anonyme", "", None)])
    with app.test_request_context():
        event = db.session.get(WebinarEvent, event_id)
        for email in emails:
            registration.register(event, users.find_by_email(email))
    move_to_the_past(app, event_id)
    return event_id, emails


def test_attendance_is_marked_and_counted_without_singling_anyone_out(app: Flask,  # type: ignore[no-untyped-def]
                                                                       people) -> None:
    event_id, emails = past_event_with_people(app)
    entries = registration_ids(app, event_id)
    admin = browser(app, people["admin"])
    marks = {f"mark-{entries[user_id(app, email)]}": "attended" for email in emails[:-1]}
    marks[f"mark-{entries[user_id(app, emails[-1])]}"] = "no_show"
    assert admin.post_form(f"/events/{event_id}/attendance?lang=en", marks).status_code == 303
    assert "Attendance saved (11 change(s))." in text(admin, f"/events/{event_id}/participants")
    assert list(states(app, event_id).values()) == ["attended"] * 10 + ["no_show"]
    page = text(admin, "/events/statistics?lang=en")
    by_sex = page.split("Participation by gender")[1].split("</table>")[0]
    assert "<td>Woman</td><td>6</td>" in by_sex and "<td>Man</td><td>4</td>" in by_sex
    by_country = page.split("Participation by country")[1].split("</table>")[0]
    assert "<td>Senegal</td><td>4</td>" in by_country
    assert "<td>Côte d'Ivoire</td><td>3</td>" in by_country
    assert "Morocco" not in by_country and "Tunisia" not in by_country
    assert "Other groups (fewer than 3 people each, merged)</td><td>3</td>" in by_country
    assert all(email not in page for email in emails) and "P0" not in page

    speakers = page.split("Speaker gender balance")[1]
    overall = speakers.split('<tr class="total">')[1].split("</tr>")[0]
    assert "<td>2</td><td>1</td><td>0</td><td>1</td><td>67 %</td>" in overall
    editor_other = browser(app, people["editor_other_country"])
    assert editor_other.get(f"/events/{event_id}/participants").status_code == 403
    assert "Networks webinar" not in text(editor_other, "/events/statistics?lang=en")


def test_attendance_waits_for_the_event_and_refuses_impossible_marks(app: Flask,  # type: ignore[no-untyped-def]
                                                                     people) -> None:
    event_id = add_event(app, capacity=1)
    first, second = members(app, 2)
    browser(app, first).post_form(f"/events/{event_id}/register")
    browser(app, second).post_form(f"/events/{event_id}/register")
    waiting = registration_ids(app, event_id)[user_id(app, second)]
    admin = browser(app, people["admin"])
    admin.post_form(f"/events/{event_id}/attendance?lang=en", {f"mark-{waiting}": "attended"})
    assert "Attendance can be marked once the event has started." in text(
        admin, f"/events/{event_id}/participants")
    move_to_the_past(app, event_id)
    admin.post_form(f"/events/{event_id}/attendance", {f"mark-{waiting}": "attended",
                                                       "mark-banana": "attended"})
    page = text(admin, f"/events/{event_id}/participants?lang=en")
    assert "is not possible for a registration that is" in page
    assert list(states(app, event_id).values()) == ["registered", "waitlisted"]


def test_the_participant_list_exports_are_formula_safe(app: Flask, people) -> None:  # type: ignore[no-untyped-def]
    event_id = add_event(app)
    email = add_member(app, "formule@test.crpm", display_name='=HYPERLINK("http://x.example")')
    browser(app, email).post_form(f"/events/{event_id}/register")
    editor = browser(app, people["editor"])
    response = editor.get(f"/events/{event_id}/participants.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://x.example")' and rows[1][1] == email
    workbook = load_workbook(io.BytesIO(editor.get(f"/events/{event_id}/participants.xlsx").data))
    cell = workbook.active["A2"]
    assert cell.value == '\'=HYPERLINK("http://x.example")' and cell.data_type == "s"
    assert browser(app, people["member"]).get(
        f"/events/{event_id}/participants.csv").status_code == 403


def test_registrants_are_told_when_the_event_changes(mail_app, people) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    editor = browser(app, people["editor"])
    created = editor.post_form("/events/new", form_fields())
    event_id = int(created.headers["Location"].rsplit("/", 1)[1])
    email = add_member(app, "suivi@test.crpm")
    browser(app, email).post_form(f"/events/{event_id}/register")
    editor.post_form(f"/events/{event_id}/edit", form_fields(description_fr="Nouveau texte"))
    assert len(inbox.messages) == 1, "a new description is not worth an e-mail"
    later = in_days(42)
    response = editor.post_form(f"/events/{event_id}/edit?lang=fr", form_fields(
        starts_local=later.strftime("%Y-%m-%dT%H:%M"),
        ends_local=(later + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")))
    assert "1 personnes inscrites ont été prévenues par e-mail." in readable(
        text(editor, f"/events/{event_id}"))
    assert response.status_code == 303
    changed = inbox.messages[-1]
    assert subject(changed) == "Événement modifié : Forum des diasporas"
    assert message_parts(changed)["text/calendar"].get_param("method") == "REQUEST"
    editor.post_form(f"/events/{event_id}/edit", form_fields(
        starts_local=later.strftime("%Y-%m-%dT%H:%M"), status="cancelled",
        ends_local=(later + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")))
    cancelled = inbox.messages[-1]
    assert subject(cancelled) == "Événement annulé : Forum des diasporas"
    assert message_parts(cancelled)["text/calendar"].get_param("method") == "CANCEL"
    assert SECRET_LINK not in message_parts(cancelled)["text/plain"].get_payload(
        decode=True).decode()
