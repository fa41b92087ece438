"""Coaching: a focal point offers a one-person slot for a coach; the first member books it, the
second waits, a cancellation promotes the waiting person; the coach records attendance."""

from __future__ import annotations

import html
import re
from email.header import decode_header, make_header

from crpm_plugins.training import coaching
from crpm_plugins.training.models import CoachingSlot

from crpm_cms.plugin_api import db, registrations
from crpm_cms.testing import accounts

from .helpers import make_member, signed_in

SLOT = {"topic": "Préparer une note de plaidoyer", "starts": "2031-05-04T10:00",
        "ends": "2031-05-04T11:00", "timezone": "Indian/Comoro", "online": "y",
        "language": "fr", "country": "SN"}


def page(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def states(app, slot_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        slot = db.session.get_one(CoachingSlot, slot_id)
        return {r.user.email: r.state for r in coaching.bookings(slot)}


def offer_slot(app, focal) -> int:  # type: ignore[no-untyped-def]
    """The focal point offers the slot (after two mistakes the form explains); its id."""
    bad = focal.send("/trainings/coaching/new?lang=en", {**SLOT, "ends": "2031-05-04T09:00"})
    assert bad.status_code == 400 and "must end after it starts" in page(bad)
    unknown = focal.send("/trainings/coaching/new?lang=en",
                         {**SLOT, "coach_email": "nobody@test.crpm"})
    assert unknown.status_code == 400 and "No active account" in page(unknown)
    created = focal.send("/trainings/coaching/new", SLOT)
    assert created.status_code == 302
    slot_id = int(re.search(r"/coaching/(\d+)", created.location).group(1))
    listing = page(app.test_client().get("/trainings/coaching/"))
    assert "Préparer une note de plaidoyer" in listing and "4 mai 2031" in listing
    assert "(Indian/Comoro)" in listing and "Libre" in listing
    return slot_id


def test_a_slot_is_booked_once_waited_for_and_passed_on(mail_app, people) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    focal = signed_in(app, people["focal_point"])
    slot_id = offer_slot(app, focal)

    make_member(app, "first@test.crpm", language="en")
    make_member(app, "second@test.crpm")
    first, second = signed_in(app, "first@test.crpm"), signed_in(app, "second@test.crpm")
    assert first.send(f"/trainings/coaching/{slot_id}/book").status_code == 302
    assert second.send(f"/trainings/coaching/{slot_id}/book").status_code == 302
    assert states(app, slot_id) == {"first@test.crpm": "registered",
                                    "second@test.crpm": "waitlisted"}
    assert "Pris" in page(app.test_client().get("/trainings/coaching/"))
    own = focal.send(f"/trainings/coaching/{slot_id}/book")
    assert own.status_code == 409 and "your own coaching session" in page(own)

    sent = len(inbox.messages)
    assert first.send(f"/trainings/coaching/{slot_id}/cancel").status_code == 302
    assert states(app, slot_id) == {"first@test.crpm": "withdrawn",
                                    "second@test.crpm": "registered"}
    new = {m["To"]: str(make_header(decode_header(m["Subject"])))
           for m in inbox.messages[sent:]}
    assert new["first@test.crpm"].startswith("Your withdrawal is recorded: Préparer")
    assert new["second@test.crpm"].startswith("Votre place est confirmée : Préparer")
    assert len(inbox.messages) == sent + 2

    with app.app_context():
        second_id = registrations.registration_of(
            coaching.activity_of(db.session.get_one(CoachingSlot, slot_id)),
            accounts.find_by_email("second@test.crpm")).id
    coach_page = page(focal.get(f"/trainings/coaching/{slot_id}"))
    assert "Second" in coach_page and "Mark as attended" in coach_page
    stranger = signed_in(app, people["member"])
    assert stranger.send(f"/trainings/coaching/{slot_id}/bookings/{second_id}/mark_attended"
                         ).status_code == 403
    assert focal.send(f"/trainings/coaching/{slot_id}/bookings/{second_id}/mark_attended"
                      ).status_code == 302
    assert states(app, slot_id)["second@test.crpm"] == "attended"
    again = focal.send(f"/trainings/coaching/{slot_id}/bookings/{second_id}/cancel")
    assert again.status_code == 409  # attended people cannot be cancelled any more
    kept = focal.send(f"/trainings/coaching/{slot_id}/delete")
    assert kept.status_code == 409 and states(app, slot_id)

    mine = page(second.get("/trainings/mine"))
    assert "Préparer une note de plaidoyer" in mine


def test_an_unbooked_slot_can_be_deleted_by_its_coach_only(app, people) -> None:  # type: ignore[no-untyped-def]
    admin = signed_in(app, people["admin"])
    created = admin.send("/trainings/coaching/new",
                         {**SLOT, "coach_email": people["editor"], "country": ""})
    assert created.status_code == 302
    slot_id = int(re.search(r"/coaching/(\d+)", created.location).group(1))
    focal = signed_in(app, people["focal_point"])  # SN; the slot is regional
    assert focal.send(f"/trainings/coaching/{slot_id}/delete").status_code == 403
    coach = signed_in(app, people["editor"])
    assert "Créneaux que vous animez" in page(coach.get("/trainings/coaching/"))
    assert coach.send(f"/trainings/coaching/{slot_id}/delete").status_code == 302
    assert app.test_client().get(f"/trainings/coaching/{slot_id}").status_code == 404
