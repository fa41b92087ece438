"""An event title with a line break, or a colon, must not break what is built from it after the
save: registrations and their calendar, the ``.ics`` file, the participants' workbook."""

from __future__ import annotations

import io

from flask import Flask
from openpyxl import load_workbook

from crpm_cms.testing.mail import Inbox

from .helpers import add_event, browser, form_fields, stored_event, user_id


def test_a_title_sent_with_line_breaks_is_saved_on_one_line_and_registrations_work(
        mail_app: tuple[Flask, Inbox], people: dict[str, str]) -> None:
    app, inbox = mail_app
    event_id = add_event(app)
    admin = browser(app, people["admin"])
    sequence = str(stored_event(app, event_id).sequence)
    saved = admin.post_form(f"/events/{event_id}/edit", form_fields(
        title_fr="ICS title\r\nEND:VEVENT\r\nBEGIN:VEVENT", sequence=sequence))
    assert saved.status_code == 303
    assert stored_event(app, event_id).title_fr == "ICS title END:VEVENT BEGIN:VEVENT"
    assert browser(app).get(f"/events/{event_id}.ics").status_code == 200  # was a 500
    member = browser(app, people["member"])
    assert member.post_form(f"/events/{event_id}/register").status_code == 303  # was a 500
    assert user_id(app, people["member"]) is not None
    assert [m["To"] for m in inbox.messages] == [people["member"]]


def test_the_participants_workbook_of_a_title_with_a_colon_opens(app: Flask,
                                                                people: dict[str, str]) -> None:
    event_id = add_event(app, title_fr="Webinaire : santé/mobilité des [femmes]")
    response = browser(app, people["editor"]).get(f"/events/{event_id}/participants.xlsx")
    assert response.status_code == 200  # 6 of the 7 demo events answered 500
    assert load_workbook(io.BytesIO(response.data)).sheetnames == [
        "Webinaire santé mobilité des fe"]
