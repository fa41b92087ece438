"""The training plugin through its pages: managing a training, applying with intake questions,
reviewing by country with the cohort balance, the home slot, the API, and switching it off."""

from __future__ import annotations

import html
import re

from crpm_plugins.training.models import Training
from flask import Flask

from crpm_cms.plugin_api import db
from crpm_cms.testing import set_plugin_enabled

from .helpers import make_member, make_training, registration, signed_in, state, step

QUESTIONS = (("text", "Votre rôle ?", ""), ("choice", "Expérience", "Débutante\nAvancée"),
             ("yes_no", "Plan genre ?", ""))


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def question_ids(app: Flask, training_id: int) -> list[int]:
    with app.app_context():
        return [q.id for q in db.session.get_one(Training, training_id).questions]


def test_focal_point_creates_a_training_with_seats_quotas_sessions_and_questions(
        app: Flask, people: dict[str, str], login) -> None:  # type: ignore[no-untyped-def]
    client = login("focal_point")
    page = client.get("/trainings/new")
    assert page.status_code == 200 and "Régional" not in text(page)  # SN only, not regional
    response = client.post_form("/trainings/new", {
        "kind": "study_visit", "title_fr": "Visite à Rabat", "title_en": "Visit to Rabat",
        "country": "SN", "timezone": "Africa/Casablanca", "capacity": "12", "offer_days": "5",
        "quota_countries": "SN=4, ci=3", "quota_women": "", "quota_men": "6",
        "applications_open": "2026-01-10", "applications_close": "2026-02-10", "published": "y"})
    assert response.status_code == 302, text(response)
    training_id = int(re.search(r"/trainings/(\d+)/edit", response.location).group(1))
    edit = text(client.get(f"/trainings/{training_id}/edit"))
    assert 'value="CI=3, SN=4"' in edit and 'value="6"' in edit and 'value="12"' in edit
    assert 'value="2026-02-10"' in edit  # the inclusive closing day comes back as typed
    added = client.post_form(f"/trainings/{training_id}/sessions", {
        "starts": "2026-03-02T09:00", "ends": "2026-03-02T17:00", "timezone": "Africa/Casablanca",
        "place": "Rabat", "language": "fr"})
    assert added.status_code == 302
    assert client.post_form(f"/trainings/{training_id}/questions", {
        "question_kind": "choice", "label": "Niveau ?", "choices": "un\ndeux",
        "required": "y"}).status_code == 302
    detail = text(client.get(f"/trainings/{training_id}"))
    assert "Visite à Rabat" in detail and "2 mars 2026" in detail
    assert "(Africa/Casablanca)" in detail
    assert "09:00" in detail  # shown in the session's own zone


def test_bad_training_input_gets_a_clear_error_and_changes_nothing(
        app: Flask, people: dict[str, str], login) -> None:  # type: ignore[no-untyped-def]
    client = login("focal_point")
    base = {"kind": "collective", "title_fr": "Formation", "country": "SN",
            "timezone": "Africa/Dakar", "offer_days": "7"}
    cases = [({"quota_countries": "Sénégal: beaucoup"}, "SN=5, CI=4"),
             ({"capacity": "0"}, "Between 1 and 10,000"), ({"timezone": "Mars/Olympus"}, ""),
             ({"timezone": "Etc/GMT-3"}, ""),  # a fixed offset: not a zone people live in
             ({"applications_open": "2026-02-10", "applications_close": "2026-02-01"},
              "Applications must close after they open"),
             ({"country": "CI"}, "You cannot manage trainings of this country"),
             ({"country": ""}, "You cannot manage trainings of this country"),
             ({"kind": "party"}, "")]
    for change, message in cases:
        response = client.post_form("/trainings/new?lang=en", {**base, **change})
        assert response.status_code == 400, change
        assert message in text(response), change
    with app.app_context():
        assert db.session.query(Training).count() == 0
    training_id = make_training(app)
    bad_session = client.post_form(f"/trainings/{training_id}/sessions?lang=en", {
        "starts": "2026-03-02T17:00", "ends": "2026-03-02T09:00", "timezone": "Africa/Dakar",
        "place": "Dakar", "language": "fr"})
    assert bad_session.status_code == 400
    assert "A session must end after it starts" in text(bad_session)
    bad_question = client.post_form(f"/trainings/{training_id}/questions?lang=en", {
        "question_kind": "choice", "label": "Niveau ?", "choices": "un seul"})
    assert bad_question.status_code == 400 and "at least two answers" in text(bad_question)


def test_member_applies_with_intake_answers_for_their_organisation(app: Flask) -> None:
    training_id = make_training(app, questions=QUESTIONS)
    make_member(app, "awa@test.crpm", organisation="Femmes et migrations", kind="cso")
    client = signed_in(app, "awa@test.crpm")
    form = text(client.get(f"/trainings/{training_id}/apply"))
    assert "Femmes et migrations" in form and "Votre rôle ?" in form and "Débutante" in form
    first, choice, yes_no = question_ids(app, training_id)
    missing = client.post_form(f"/trainings/{training_id}/apply", {f"question_{first}": "Chargée"})
    assert missing.status_code == 400 and "Veuillez répondre à cette question." in text(missing)
    forged = client.post_form(f"/trainings/{training_id}/apply", {
        f"question_{first}": "Chargée", f"question_{choice}": "Experte",
        f"question_{yes_no}": "yes"})
    assert forged.status_code == 400
    assert state(app, training_id, "awa@test.crpm") is None
    done = client.post_form(f"/trainings/{training_id}/apply", {
        f"question_{first}": "=HYPERLINK(\"x\")", f"question_{choice}": "Avancée",
        f"question_{yes_no}": "no"})
    assert done.status_code == 302
    mine = registration(app, training_id, "awa@test.crpm")
    assert mine.state == "applied" and mine.organisation_id is not None
    assert mine.answers == {str(first): "=HYPERLINK(\"x\")", str(choice): "Avancée",
                            str(yes_no): "no"}
    again = client.post_form(f"/trainings/{training_id}/apply", {
        f"question_{first}": "x", f"question_{choice}": "Avancée", f"question_{yes_no}": "no"})
    assert again.status_code == 409 and "Vous avez déjà postulé" in text(again)
    assert client.get(f"/trainings/{training_id}/apply").status_code == 409
    page = text(client.get(f"/trainings/{training_id}"))
    assert "Statut : candidature" in page or "candidat" in page.lower()


def test_closed_or_draft_trainings_refuse_applications(app: Flask, people, login) -> None:  # type: ignore[no-untyped-def]
    draft = make_training(app, published=False)
    client = login("member")
    assert client.get(f"/trainings/{draft}").status_code == 404
    assert client.get(f"/trainings/{draft}/apply").status_code == 404
    assert "Genre et migrations" not in text(client.get("/trainings/"))
    with app.app_context():
        training = db.session.get_one(Training, draft)
        training.published, training.applications_close_at = True, training.applications_open_at
        db.session.commit()
    refused = client.post_form(f"/trainings/{draft}/apply", {})
    assert refused.status_code == 409 and "n'accepte pas" in text(refused)


def test_focal_points_review_only_their_countrys_applicants_and_see_the_balance(
        app: Flask, people: dict[str, str]) -> None:
    training_id = make_training(app, capacity=3)
    make_member(app, "sn1@test.crpm", country="SN", gender="woman", organisation="OSC Dakar")
    make_member(app, "sn2@test.crpm", country="SN", gender="man", organisation="Réseau Thiès",
                kind="network")
    make_member(app, "ci1@test.crpm", country="CI", gender="woman", organisation="OSC Abidjan")
    for email in ("sn1@test.crpm", "sn2@test.crpm", "ci1@test.crpm"):
        step(app, training_id, email, "apply", email)
    focal = signed_in(app, people["focal_point"])
    page = text(focal.get(f"/trainings/{training_id}/review"))
    assert "Sn1" in page and "Sn2" in page and "Ci1" not in page
    balance = page.split("Équilibre de la promotion")[1].split("Candidatures que vous")[0]
    assert "Sénégal" in balance and "Côte d'Ivoire" in balance  # aggregates: whole cohort
    assert "Réseau" in balance and "Femmes" in balance and "Hommes" in balance
    ci = registration(app, training_id, "ci1@test.crpm")
    forbidden = focal.post_form(f"/trainings/{training_id}/applications/{ci.id}/approve", {})
    assert forbidden.status_code == 403 and state(app, training_id, "ci1@test.crpm") == "applied"
    sn = registration(app, training_id, "sn1@test.crpm")
    assert focal.post_form(f"/trainings/{training_id}/applications/{sn.id}/approve",
                           {}).status_code == 302
    page = text(focal.get(f"/trainings/{training_id}/review"))
    assert re.search(r"Femmes</th><td>2</td><td>1</td><td>100 %", page.replace("\n", ""))
    admin = signed_in(app, people["admin"])
    assert "Ci1" in text(admin.get(f"/trainings/{training_id}/review"))
    other = signed_in(app, people["editor_other_country"])
    assert other.get(f"/trainings/{training_id}/review").status_code == 403


def test_bulk_approval_serves_first_come_first(app: Flask, people: dict[str, str]) -> None:
    training_id = make_training(app, capacity=2)
    emails = [f"bulk{n}@test.crpm" for n in range(4)]
    for email in emails:
        make_member(app, email)
        step(app, training_id, email, "apply", email)
    ids = [registration(app, training_id, email).id for email in emails]
    admin = signed_in(app, people["admin"])
    response = admin.post_form(f"/trainings/{training_id}/applications",
                               {"action": "approve", "registration": list(reversed(ids))})
    assert response.status_code == 302
    assert [state(app, training_id, e) for e in emails] == [
        "approved", "approved", "waitlisted", "waitlisted"]
    nothing = admin.post_form(f"/trainings/{training_id}/applications", {"action": "approve"})
    assert nothing.status_code == 409


def test_home_slot_menu_and_api(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    open_id = make_training(app, capacity=7, title="Formation ouverte")
    make_training(app, title="Brouillon caché", published=False)
    home = text(client.get("/"))
    assert "Formations ouvertes" in home and "Formation ouverte" in home
    assert "7 places restantes" in home and "Brouillon caché" not in home
    assert 'href="/trainings/"' in home
    listing = client.get("/api/v1/trainings").get_json()["results"]
    assert [t["id"] for t in listing] == [open_id] and listing[0]["seats_left"] == 7
    assert listing[0]["sessions"][0]["timezone"] == "Africa/Dakar"
    assert listing[0]["sessions"][0]["starts_at"].endswith("+00:00")  # Dakar is UTC+0
    assert client.get(f"/api/v1/trainings/{open_id}").get_json()["title_fr"] == "Formation ouverte"
    assert client.get(f"/api/v1/trainings/{open_id + 1}").status_code == 404
    assert client.get("/api/v1/trainings?open=1&kind=study_visit").get_json()["results"] == []
    paged = client.get("/api/v1/trainings?per_page=1").get_json()
    assert paged["page"] == 1 and paged["next"] is None and len(paged["results"]) == 1
    wrong = client.get("/api/v1/trainings?per_page=1000")
    assert wrong.status_code == 400 and "per_page" in wrong.get_json()["fields"]
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/trainings" in spec["paths"] and "Training" in spec["components"]["schemas"]


def test_disabled_plugin_answers_404_and_keeps_the_applications(
        app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    training_id = make_training(app)
    make_member(app, "keep@test.crpm")
    step(app, training_id, "keep@test.crpm", "apply", "keep@test.crpm")
    with app.app_context():
        set_plugin_enabled("training", False)
    for path in ("/trainings/", f"/trainings/{training_id}", "/trainings/coaching/",
                 "/api/v1/trainings", "/trainings/certificates/AAAA-BBBB"):
        assert client.get(path).status_code == 404, path
    assert "Formations ouvertes" not in text(client.get("/"))
    assert "/trainings" not in client.get("/api/v1/openapi.json").get_json()["paths"]
    assert state(app, training_id, "keep@test.crpm") == "applied"
    with app.app_context():
        set_plugin_enabled("training", True)
    member = signed_in(app, "keep@test.crpm")
    assert "candidature" in text(member.get(f"/trainings/{training_id}")).lower()


def test_open_trainings_are_found_by_search_and_leave_it_when_closed(
        app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    open_id = make_training(app, title="Plaidoyer et politiques migratoires")
    make_training(app, title="Plaidoyer en brouillon", published=False)
    closing = make_training(app, title="Plaidoyer bientôt clos")
    found = text(client.get("/search?q=plaidoyer"))
    assert "Plaidoyer et politiques migratoires" in found and "Plaidoyer bientôt clos" in found
    assert "Plaidoyer en brouillon" not in found
    assert f'href="/trainings/{open_id}"' in found
    with app.app_context():  # applications close: the record leaves the results by itself
        training = db.session.get_one(Training, closing)
        training.applications_close_at = training.applications_open_at
        db.session.commit()
    found = text(client.get("/search?q=plaidoyer"))
    assert "Plaidoyer bientôt clos" not in found
    assert "Plaidoyer et politiques migratoires" in found


def test_bad_input_gets_an_answer_never_an_error(app: Flask, people, login) -> None:  # type: ignore[no-untyped-def]
    training_id = make_training(app, questions=(("text", "Motivation ?", ""),))
    make_member(app, "long@test.crpm")
    member = signed_in(app, "long@test.crpm")
    question = question_ids(app, training_id)[0]
    too_long = member.send(f"/trainings/{training_id}/apply", {f"question_{question}": "x" * 5000})
    assert too_long.status_code == 400 and state(app, training_id, "long@test.crpm") is None
    admin = login("admin")
    for path in ("/trainings/?kind=<script>&country=%00%00", f"/trainings/{training_id}/review"
                 "?state=bogus"):
        assert admin.get(path).status_code == 200, path
    api = admin.get("/api/v1/trainings?country=%00Z&kind=" + "k" * 300)
    assert api.status_code == 400 and set(api.get_json()["fields"]) == {"country", "kind"}
    saved = admin.post_form("/trainings/new", {"kind": "collective", "title_fr": "Nul\x00le",
                                               "timezone": "Africa/Dakar", "offer_days": "7"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.query(Training).filter_by(title_fr="Nulle").count() == 1
    for path in ("/trainings/99999", "/trainings/certificates/" + "A" * 3000,
                 "/trainings/coaching/424242", "/api/v1/trainings/99999"):
        assert admin.get(path).status_code == 404, path
    assert admin.post_form(f"/trainings/{training_id}/applications/1/explode",
                           {}).status_code == 404
    assert admin.post_form("/trainings/coaching/424242/book", {}).status_code == 404
    form = admin.post_form("/trainings/new?lang=en", {
        "kind": "collective", "title_fr": "x", "timezone": "Africa/Dakar", "offer_days": "",
        "capacity": "beaucoup", "applications_open": "2026-13-45"})
    page = text(form)
    assert form.status_code == 400 and "This field is required." in page
    assert "Not a valid integer value." in page and "Not a valid date value." in page
    with app.app_context():
        session_id = db.session.get_one(Training, training_id).sessions[0].id
    sheet = admin.post_form(f"/trainings/{training_id}/sessions/{session_id}/attendance",
                            {"present": ["abc", "-1", "999999"]})
    assert sheet.status_code == 302


def test_admin_dashboard_lists_applications_waiting_for_review(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    training_id = make_training(app, title="Formation à examiner")
    for n in range(2):
        make_member(app, f"wait{n}@test.crpm")
        step(app, training_id, f"wait{n}@test.crpm", "apply", f"wait{n}@test.crpm")
    dashboard = text(login("admin").get("/admin/"))
    assert "Formations : candidatures à examiner" in dashboard
    assert "Formation à examiner</a>: 2 candidatures à examiner" in dashboard
