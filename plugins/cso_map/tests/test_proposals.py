"""Self-submission and moderation: members (and visitors, when allowed) propose; the focal point
of the country approves or rejects with a message; everyone is told by e-mail (a real SMTP
server on loopback)."""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from email.message import Message

import pytest
from crpm_plugins.cso_map import proposals
from crpm_plugins.cso_map.models import Proposal
from crpm_plugins.cso_map.places import PlaceData, ProfileData
from flask import Flask
from sqlalchemy import func, select

from crpm_cms.plugin_api import Organisation, db
from crpm_cms.testing import Client, accounts, client_of

from .helpers import add_organisation, csv_rows

PROPOSAL = {"name": "Jeunesse migrante de Tambacounda", "acronym": "JMT", "kind": "cso",
            "country": "SN", "themes": ["return", "9"], "place-city": "Tambacounda",
            "place-precision": "city", "target_groups": ["youth"], "gender_focus": "targeted",
            "working_languages": "fr; ff", "note": "Nous travaillons avec les jeunes rapatriés."}


@pytest.fixture
def app(mail_app) -> Flask:  # type: ignore[no-untyped-def]
    """The test's app sends its mail to the SMTP server of ``inbox``."""
    return mail_app[0]


@pytest.fixture
def inbox(mail_app):  # type: ignore[no-untyped-def]
    return mail_app[1]


def browser(app: Flask, email: str | None = None) -> Client:
    """Another visitor (its own cookies), signed in as ``email`` if given."""
    return client_of(app, email)


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def link_in(body: str) -> str:
    return re.search(r"http://localhost(/\S+)", body).group(1)


def organisation_named(app: Flask, name: str) -> Organisation | None:
    with app.app_context():
        found = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if found is not None:
            db.session.expunge(found)
        return found


def test_a_member_proposes_and_the_focal_point_approves(app: Flask, client, people, login,  # type: ignore[no-untyped-def]
                                                       inbox) -> None:
    login("member")
    sent = client.post_form("/map/propose", PROPOSAL)
    assert sent.status_code == 302
    assert organisation_named(app, PROPOSAL["name"]) is None, "nothing shows before a decision"
    assert [message["To"] for message in inbox.messages] == [people["focal_point"]]
    assert PROPOSAL["name"] in subject(inbox.messages[0])
    moderation_link = link_in(inbox.body(0))

    focal_point = browser(app, people["focal_point"])
    assert PROPOSAL["name"] in focal_point.get("/map/moderation").get_data(as_text=True)
    page = focal_point.get(moderation_link).get_data(as_text=True)
    assert "Tambacounda" in page and "Nous travaillons avec les jeunes rapatriés." in page
    decided = focal_point.post_form(moderation_link, {"decision": "approve",
                                                      "message": "Bienvenue sur la carte !"})
    assert decided.status_code == 302

    assert inbox.messages[-1]["To"] == people["member"]
    assert "validée" in subject(inbox.messages[-1])
    assert "Bienvenue sur la carte !" in inbox.body()
    created = organisation_named(app, PROPOSAL["name"])
    assert created is not None and link_in(inbox.body()) == f"/organisations/{created.slug}"
    (row,) = csv_rows(client.get("/map/organisations.csv?q=Tambacounda").data)
    assert (row["city"], row["precision"], row["target_groups"]) == ("Tambacounda", "city",
                                                                     "youth")
    assert set(row["themes"].split(";")) == {"return", "9"} and row["working_languages"] == "fr;ff"
    organisation_page = client.get(f"/organisations/{created.slug}").get_data(as_text=True)
    assert "Focal Point" in organisation_page, "last verified by the focal point who approved"
    again = focal_point.post_form(moderation_link, {"decision": "approve"})
    assert again.status_code == 400 and "déjà été prise" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organisation).where(
            Organisation.name == PROPOSAL["name"])) == 1


def test_a_rejection_needs_a_message_and_only_that_countrys_focal_point_moderates(
        app: Flask, client, people, login, inbox) -> None:  # type: ignore[no-untyped-def]
    login("member")
    client.post_form("/map/propose", PROPOSAL)
    link = link_in(inbox.body(0))
    focal_point = browser(app, people["focal_point"])
    silent = focal_point.post_form(link, {"decision": "reject", "message": "  "})
    assert silent.status_code == 400 and "Indiquez pourquoi" in silent.get_data(as_text=True)
    assert len(inbox.messages) == 1
    rejected = focal_point.post_form(link, {"decision": "reject",
                                            "message": "Cette association est déjà listée."})
    assert rejected.status_code == 302
    assert inbox.messages[-1]["To"] == people["member"]
    assert "Cette association est déjà listée." in inbox.body()
    assert organisation_named(app, PROPOSAL["name"]) is None
    # a proposal for Côte d'Ivoire: not for the focal point of Senegal
    ivorian = "Réseau des rapatriés à Abidjan"
    sent_before = len(inbox.messages)
    client.post_form("/map/propose", PROPOSAL | {"name": ivorian, "country": "CI",
                                                 "place-city": "Abidjan"})
    with app.app_context():
        proposal = db.session.scalar(select(Proposal).where(Proposal.country_code == "CI"))
    assert len(inbox.messages) == sent_before, "Côte d'Ivoire has no focal point here"
    assert focal_point.get(f"/map/moderation/{proposal.id}").status_code == 403
    assert ivorian not in focal_point.get("/map/moderation").get_data(as_text=True)
    refused = focal_point.post_form(f"/map/moderation/{proposal.id}", {"decision": "approve"})
    assert refused.status_code == 403
    admin = browser(app, people["admin"])
    assert ivorian in admin.get("/map/moderation").get_data(as_text=True)


def test_a_member_proposes_a_change_to_their_own_organisation(app: Flask, client, people,  # type: ignore[no-untyped-def]
                                                              login, inbox) -> None:
    own = add_organisation(app, "Association des femmes de Thiès", acronym="AFT",
                           email="aft@example.org",
                           place=[PlaceData("SN", "Thiès", "", 14.79, -16.92),
                                  PlaceData("SN", "Mbour", "", 14.42, -16.96, "city")],
                           profile=ProfileData(["women_migrants"], "targeted", ["fr"]))
    stranger = add_organisation(app, "Autre association")
    with app.app_context():
        member = accounts.find_by_email(people["member"])
        accounts.set_organisation(member, own)
        slugs = {i: db.session.get(Organisation, i).slug for i in (own, stranger)}
    login("member")
    assert client.get(f"/map/organisations/{slugs[stranger]}/propose").status_code == 403
    form = client.get(f"/map/organisations/{slugs[own]}/propose").get_data(as_text=True)
    assert 'value="Association des femmes de Thiès"' in form and 'value="14.79"' in form
    changed = {**PROPOSAL, "name": "Association des femmes de Thiès", "acronym": "AFT-SN",
               "place-city": "Thiès", "place-latitude": "14.7910", "place-longitude": "-16.9250",
               "place-precision": "exact", "target_groups": ["women_migrants", "returnees"],
               "email": "aft@example.org"}
    assert client.post_form(f"/map/organisations/{slugs[own]}/propose", changed).status_code == 302
    focal_point = browser(app, people["focal_point"])
    link = link_in(inbox.body(0))
    review = focal_point.get(link).get_data(as_text=True)
    assert "AFT-SN" in review and "Mbour" not in review
    focal_point.post_form(link, {"decision": "approve"})
    rows = csv_rows(client.get("/map/organisations.csv?q=Thi").data)
    assert [(r["acronym"], r["city"], r["latitude"]) for r in rows] == [
        ("AFT-SN", "Thiès", "14.791"), ("AFT-SN", "Mbour", "14.4")], "the other place is kept"
    assert rows[0]["email"] == "aft@example.org" and rows[0]["target_groups"] == \
        "returnees;women_migrants"


def test_visitors_propose_only_when_the_deployment_allows_it(app: Flask, client, people,  # type: ignore[no-untyped-def]
                                                             inbox) -> None:
    assert client.get("/map/propose").status_code == 302  # to the sign-in page
    admin = browser(app, people["admin"])
    assert admin.post_form("/map/moderation/settings", {"visitor_proposals": "y"}).status_code \
        == 302
    page = client.get("/map/propose").get_data(as_text=True)
    assert 'name="submitter_email"' in page
    assert "Proposer une organisation" in client.get("/map/").get_data(as_text=True)
    anonymous = client.post_form("/map/propose", PROPOSAL)
    assert anonymous.status_code == 400 and "Ce champ est obligatoire." in anonymous.get_data(
        as_text=True)
    sent = client.post_form("/map/propose", PROPOSAL | {"submitter_name": "Awa Diop",
                                                        "submitter_email": "awa@example.org"})
    assert sent.status_code == 302
    with app.app_context():
        proposal = db.session.scalar(select(Proposal))
        assert (proposal.submitter_id, proposal.submitter_email) == (None, "awa@example.org")
    browser(app, people["focal_point"]).post_form(
        f"/map/moderation/{proposal.id}", {"decision": "reject", "message": "Doublon."})
    assert inbox.messages[-1]["To"] == "awa@example.org"


def test_bad_proposals_are_refused_and_two_decisions_apply_once(
        app: Flask, client, people, login, inbox) -> None:  # type: ignore[no-untyped-def]
    login("member")
    cases = [({"place-latitude": "200", "place-longitude": "abc"}, "Indiquez un nombre"),
             ({"place-city": "Village inconnu", "place-precision": "city"},
              "une ville de la liste"),
             ({"place-precision": "exact", "place-city": "Dakar"}, "Indiquez les coordonnées"),
             ({"website": "javascript:alert(1)"}, "http://"),
             ({"working_languages": "français"}, "ISO 639"),
             ({"target_groups": ["aliens"]}, "Public"),
             ({"name": ""}, "Ce champ est obligatoire.")]
    for change, message in cases:
        answer = client.post_form("/map/propose", PROPOSAL | change)
        assert answer.status_code == 400, change
        assert message in answer.get_data(as_text=True), change
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0
    assert inbox.messages == []
    with app.test_request_context("/"):
        proposal = proposals.submit(proposals.ProposalData(
            name="Réseau unique", kind="network", country="SN",
            place={"country_code": "SN", "city": "Dakar", "region": "", "latitude": None,
                   "longitude": None, "precision": "city"}), None, None, "Awa", "awa@example.org",
            "fr")
        focal_point = accounts.find_by_email(people["focal_point"])
        admin = accounts.find_by_email(people["admin"])
        proposals.approve(proposal, focal_point, "")
        with pytest.raises(proposals.ProposalError):
            proposals.reject(proposal, admin, "Trop tard")
        assert db.session.get(Proposal, proposal.id).status == "approved"
        assert db.session.scalar(select(func.count()).select_from(Organisation).where(
            Organisation.name == "Réseau unique")) == 1
