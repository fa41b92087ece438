"""Attendance and certificates: a participant marked present and certified gets a PDF in their
language (names in any script), whose code verifies on a public page showing only the name, the
training and its date; forged and revoked codes do not verify."""

from __future__ import annotations

import html
import io
import re

from crpm_plugins.training.certificates import new_code, normalise_code
from crpm_plugins.training.models import Training
from pypdf import PdfReader

from crpm_cms.plugin_api import db

from .helpers import make_member, make_training, registration, signed_in, step

NAME = "Nguyễn Thị Ánh Łukasz Ζωή"


def certified(app, admin: str, email: str, *, language: str = "fr") -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """A training where ``email`` attended its session (recorded on the sheet) and was certified
    through the reviewer's pages; returns (training id, registration id)."""
    training_id = make_training(app, capacity=3, title="Suivi des politiques")
    make_member(app, email, name=NAME, language=language, organisation="Réseau secret")
    for action in ("apply", "approve", "confirm"):
        step(app, training_id, email, action, email if action != "approve" else admin)
    mine = registration(app, training_id, email)
    reviewer = signed_in(app, admin)
    with app.app_context():
        session_id = db.session.get_one(Training, training_id).sessions[0].id
    sheet = f"/trainings/{training_id}/sessions/{session_id}/attendance"
    assert NAME in html.unescape(reviewer.get(sheet).get_data(as_text=True))
    assert reviewer.send(sheet, {"present": str(mine.id)}).status_code == 302
    for action in ("mark_attended", "certify"):
        response = reviewer.send(f"/trainings/{training_id}/applications/{mine.id}/{action}")
        assert response.status_code == 302
    return training_id, mine.id


def test_certificate_pdf_and_public_verification(mail_app, people) -> None:  # type: ignore[no-untyped-def]
    app, inbox = mail_app
    training_id, registration_id = certified(app, people["admin"], "anh@test.crpm")
    body = inbox.body(-1)
    assert inbox.messages[-1]["To"] == "anh@test.crpm"
    url = re.search(r"https?://\S+/trainings/certificates/(\S+)", body)
    assert url, body
    code = url.group(1)
    member = signed_in(app, "anh@test.crpm")
    pdf = member.get(f"/trainings/{training_id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert NAME in text and "Attestation de participation" in text
    assert "Suivi des politiques" in text and code in text

    visitor = app.test_client()
    page = visitor.get(f"/trainings/certificates/{code}")
    shown = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200 and "Cette attestation de participation est valable" in shown
    assert NAME in shown and "Suivi des politiques" in shown
    assert "anh@test.crpm" not in shown  # only the name, the training and the date
    assert "Réseau secret" not in shown
    lower = visitor.get(f"/trainings/certificates/{code.lower().replace('-', ' ')}")
    assert lower.status_code == 200  # typed by hand: case and separators do not matter

    other = signed_in(app, people["member"])
    assert other.get(f"/trainings/{training_id}/certificate.pdf?registration={registration_id}"
                     ).status_code == 403
    assert other.get(f"/trainings/{training_id}/certificate.pdf").status_code == 409


def test_forged_and_revoked_codes_do_not_verify(app, people) -> None:  # type: ignore[no-untyped-def]
    training_id, _ = certified(app, people["admin"], "anh@test.crpm")
    member = signed_in(app, "anh@test.crpm")
    page = html.unescape(member.get("/trainings/mine").get_data(as_text=True))
    code = re.search(r"/trainings/certificates/([A-Z2-7-]{29})", page).group(1)
    visitor = app.test_client()
    for forged in (new_code(), "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", "not-a-code", code[:-1] + "Q"):
        if forged == code:
            continue
        response = visitor.get(f"/trainings/certificates/{forged}")
        assert response.status_code == 404, forged
        shown = html.unescape(response.get_data(as_text=True))
        assert "Aucune attestation valide n'a ce code" in shown and NAME not in shown
    focal_other = signed_in(app, people["editor"])
    assert focal_other.send(f"/trainings/certificates/{code}/revoke").status_code == 403
    admin = signed_in(app, people["admin"])
    assert admin.send(f"/trainings/certificates/{code}/revoke").status_code == 302
    revoked = visitor.get(f"/trainings/certificates/{code}")
    assert revoked.status_code == 410
    shown = html.unescape(revoked.get_data(as_text=True))
    assert "révoquée" in shown and NAME not in shown
    refused = member.get(f"/trainings/{training_id}/certificate.pdf")
    assert refused.status_code == 409
    assert "révoquée" in html.unescape(refused.get_data(as_text=True))


def test_codes_are_long_random_and_normalised() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"([A-Z2-7]{4}-){5}[A-Z2-7]{4}", code) for code in codes)
    code = next(iter(codes))
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code("ABCD") is None and normalise_code("'; DROP TABLE") is None
