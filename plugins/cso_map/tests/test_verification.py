"""The yearly "please confirm your record" campaign: ``crpm cso_map remind-verification`` sends
signed links to organisations whose record is older than a year, once a year; the link confirms
the record or opens a proposal for the focal point."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from crpm_plugins.cso_map import places, verification
from crpm_plugins.cso_map.places import PlaceData
from flask import Flask
from sqlalchemy import update

from crpm_cms.plugin_api import Organisation, db

from .helpers import add_organisation

SITE = "https://crpm.example.org"


@pytest.fixture
def app(mail_app) -> Flask:  # type: ignore[no-untyped-def]
    """The test's app sends its mail to the SMTP server of ``inbox``."""
    return mail_app[0]


@pytest.fixture
def inbox(mail_app):  # type: ignore[no-untyped-def]
    return mail_app[1]


@pytest.fixture
def records(app: Flask) -> dict[str, int]:
    """An old record, a record verified last month, an old one without e-mail, a new one."""
    found = {
        "old": add_organisation(app, "Réseau à vérifier", email="contact@verifier.example",
                                place=PlaceData("SN", "Dakar", "", 14.7, -17.45)),
        "verified": add_organisation(app, "Réseau vérifié", email="contact@verifie.example"),
        "no_email": add_organisation(app, "Réseau sans adresse"),
        "recent": add_organisation(app, "Réseau récent", email="contact@recent.example"),
    }
    with app.app_context():
        db.session.execute(update(Organisation).where(Organisation.id.in_(
            [found["old"], found["verified"], found["no_email"]])).values(
                updated_at=datetime(2024, 3, 1)))
        places.mark_verified(found["verified"], None, "email", date.today())
        db.session.commit()
    return found


def remind(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["cso_map", "remind-verification", *args])


def test_old_records_get_one_signed_link_a_year_which_confirms_them(
        app: Flask, client, records, inbox) -> None:  # type: ignore[no-untyped-def]
    result = remind(app, "--site-url", SITE)
    assert result.exit_code == 0, result.output
    assert [message["To"] for message in inbox.messages] == ["contact@verifier.example"]
    body = inbox.body()
    assert re.search(rf"{SITE}/map/verify/[\w.-]+\r?\n", body)
    assert re.search(rf"{SITE}/map/verify/[\w.-]+/edit", body)
    again = remind(app, "--site-url", SITE)
    assert again.exit_code == 0 and "0 rappel(s) envoyé(s)" in again.output
    assert len(inbox.messages) == 1, "a second run the same year sends nothing"
    remind(app, "--site-url", SITE)
    path = re.search(rf"{SITE}(/map/verify/[\w.-]+)\r?\n", inbox.body()).group(1)
    page = client.get(path).get_data(as_text=True)
    assert "Réseau à vérifier" in page and "Dakar" in page
    assert client.post_form(path).status_code == 302
    with app.app_context():
        profile = places.profile_of(records["old"])
        assert (profile.last_verified_on, profile.verified_through) == (date.today(), "email")
        slug = db.session.get(Organisation, records["old"]).slug
        db.session.execute(update(Organisation).where(Organisation.id == records["old"])
                           .values(updated_at=datetime(2024, 3, 1)))
        db.session.commit()
        assert records["old"] not in [o.id for o in verification.due(date.today())]
    assert "par l'organisation elle-même" in client.get(f"/organisations/{slug}").get_data(
        as_text=True)
    assert client.get("/map/verify/forged.token").status_code == 404
    assert client.get(path[:-3] + "abc").status_code == 404


def test_the_edit_link_sends_a_proposal_in_the_organisations_name(
        app: Flask, client, people, records, inbox) -> None:  # type: ignore[no-untyped-def]
    remind(app, "--site-url", SITE)
    path = re.search(rf"{SITE}(/map/verify/[\w.-]+/edit)", inbox.body()).group(1)
    form = client.get(path).get_data(as_text=True)
    assert 'value="Réseau à vérifier"' in form and "submitter_email" not in form
    sent = client.post_form(path, {"name": "Réseau à vérifier", "kind": "cso", "country": "SN",
                                   "place-city": "Rufisque", "place-latitude": "14.716",
                                   "place-longitude": "-17.27", "place-precision": "exact",
                                   "gender_focus": "none"})
    assert sent.status_code == 302
    assert inbox.messages[-1]["To"] == people["focal_point"]
    assert "Réseau à vérifier" in inbox.body()
    from crpm_plugins.cso_map.models import Proposal

    with app.app_context():
        proposal = db.session.scalar(db.select(Proposal))
        assert (proposal.organisation_id, proposal.submitter_email) == (
            records["old"], "contact@verifier.example")


def test_links_need_the_sites_address_outside_a_request(app: Flask, make_app, records,  # type: ignore[no-untyped-def]
                                                        inbox, smtp) -> None:
    missing = remind(make_app(SITE_URL=None))
    assert missing.exit_code != 0 and "SITE_URL" in missing.output
    assert inbox.messages == []
    _inbox, port = smtp
    configured = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, SITE_URL=SITE + "/")
    job = configured.test_cli_runner().invoke(args=["jobs", "run", "cso_map.remind_verification"])
    assert job.exit_code == 0 and "1 rappel(s) envoyé(s)" in job.output
    assert "https://crpm.example.org/map/verify/" in inbox.body()
