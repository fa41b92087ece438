"""Participant lists (CSV and XLSX, safe to open in a spreadsheet, scoped to the reviewer's
countries), participation figures (aggregates only, small groups merged) and the cron command
that expires unconfirmed offers."""

from __future__ import annotations

import csv
import html
import io

from crpm_plugins.training.models import Training
from openpyxl import load_workbook
from sqlalchemy import update

from crpm_cms.plugin_api import Registration, db, utcnow
from crpm_cms.testing import set_plugin_enabled

from .helpers import make_member, make_members, make_training, registration, signed_in, state, step

FORMULA_NAME = "=HYPERLINK(\"http://evil\",\"clic\")"


def test_participant_lists_are_formula_safe_and_scoped(app, people) -> None:  # type: ignore[no-untyped-def]
    training_id = make_training(app, questions=(("text", "Motivation ?", ""),))
    make_member(app, "sn@test.crpm", name=FORMULA_NAME, organisation="+Réseau")
    make_member(app, "ci@test.crpm", country="CI", name="Koffi Ci")
    with app.app_context():
        question = db.session.get_one(Training, training_id).questions[0].id
    for email in ("sn@test.crpm", "ci@test.crpm"):
        member = signed_in(app, email)
        assert member.send(f"/trainings/{training_id}/apply",
                           {f"question_{question}": "@SUM(A1:A9)"}).status_code == 302
    focal = signed_in(app, people["focal_point"])
    response = focal.get(f"/trainings/{training_id}/participants.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][1] == "Nom" and rows[0][-1] == "Motivation ?"
    assert len(rows) == 2  # the focal point of Senegal: Senegal's applicants only
    assert rows[1][1] == "'" + FORMULA_NAME and rows[1][4] == "'+Réseau"
    assert rows[1][-1] == "'@SUM(A1:A9)"

    admin = signed_in(app, people["admin"])
    workbook = load_workbook(io.BytesIO(admin.get(
        f"/trainings/{training_id}/participants.xlsx").data))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 3 and {row[2] for row in values[1:]} == {"sn@test.crpm",
                                                                    "ci@test.crpm"}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "'" + FORMULA_NAME in values[1] + values[2]
    member = signed_in(app, people["member"])
    assert member.get(f"/trainings/{training_id}/participants.csv").status_code == 403


def test_participation_figures_merge_small_groups(app, people) -> None:  # type: ignore[no-untyped-def]
    training_id = make_training(app, capacity=20)
    countries = ["SN"] * 4 + ["CI"] * 3 + ["MA"] * 3 + ["GN"]
    attendees = {f"a{n}@test.crpm": (country, "woman" if country == "SN" else "man")
                 for n, country in enumerate(countries)}
    make_members(app, attendees)
    for email in attendees:
        for action in ("apply", "approve", "confirm", "mark_attended"):
            step(app, training_id, email, action,
                 email if action in ("apply", "confirm") else people["admin"])
    admin = signed_in(app, people["admin"])
    page = html.unescape(admin.get("/trainings/statistics?by=country").get_data(as_text=True))
    rows = " ".join(page.split("<tbody>")[1].split("</tbody>")[0].split())
    assert "Sénégal</td><td>4</td>" in rows and "Côte d'Ivoire</td><td>3</td>" in rows
    # Guinea (one person) is merged, and with it the next smallest group, so that the total
    # minus the shown groups cannot give Guinea's figure either.
    assert "Guinée" not in rows and "Maroc" not in rows
    assert 'Autres (petits groupes regroupés)</td><td>4</td>' in rows
    by_sex = admin.get("/trainings/statistics.csv?by=sex&period=month")
    table = list(csv.reader(io.StringIO(by_sex.data.decode("utf-8-sig"))))
    assert table[0] == ["Période", "Sexe", "Nombre de participants"]
    assert [row[1:] for row in table[1:]] == [["Hommes", "7"], ["Femmes", "4"]]
    assert admin.get("/trainings/statistics?by=email").status_code == 400
    assert signed_in(app, people["member"]).get("/trainings/statistics").status_code == 403
    assert app.test_client().get("/trainings/statistics").status_code == 302


def test_expire_offers_from_cron_is_idempotent(mail_app, people) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    training_id = make_training(app, capacity=1, offer_days=2)
    for email in ("late@test.crpm", "next@test.crpm"):
        make_member(app, email)
        step(app, training_id, email, "apply", email)
        step(app, training_id, email, "approve", people["admin"])
    assert state(app, training_id, "next@test.crpm") == "waitlisted"
    late = registration(app, training_id, "late@test.crpm")
    assert late.offer_expires_at is not None
    runner = app.test_cli_runner()
    assert "0 offer(s) expired" in runner.invoke(args=["training", "expire-offers"]).output
    with app.app_context():  # the clock moves past the confirmation date
        db.session.execute(update(Registration).where(Registration.id == late.id)
                           .values(offer_expires_at=utcnow()))
        db.session.commit()
    sent = len(inbox.messages)
    wrong = runner.invoke(args=["training", "expire-offers", "--site-url", "crpm.example.org"])
    assert wrong.exit_code != 0 and state(app, training_id, "late@test.crpm") == "approved"
    result = runner.invoke(args=["training", "expire-offers",
                                 "--site-url", "https://crpm.example.org"])
    assert result.exit_code == 0 and "1 offer(s) expired" in result.output
    assert state(app, training_id, "late@test.crpm") == "expired"
    assert state(app, training_id, "next@test.crpm") == "offered"
    assert sorted(m["To"] for m in inbox.messages[sent:]) == ["late@test.crpm",
                                                               "next@test.crpm"]
    assert f"https://crpm.example.org/trainings/{training_id}" in inbox.body(-1)
    again = runner.invoke(args=["jobs", "run", "training.expire_offers"])
    assert again.exit_code == 0 and "0 offer(s) expired" in again.output
    assert len(inbox.messages) == sent + 2
    with app.app_context():
        set_plugin_enabled("training", False)
    off = runner.invoke(args=["training", "expire-offers"])
    assert off.exit_code == 0 and "disabled" in off.output
