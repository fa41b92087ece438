"""Certificates of participation: an unguessable verification code, a public verification page
that shows only the name, the training and the date, and a PDF in the holder's language.

fpdf2's core fonts only know Latin-1, so the PDF embeds DejaVu Sans (shipped in ``data/`` with
its licence): names such as "Nguyễn", "Łukasz" or "Ζωή" print as typed.
"""

from __future__ import annotations

import base64
import re
import secrets
from pathlib import Path

from crpm_plugins.training.dates import local_date
from crpm_plugins.training.models import Training, TrainingCertificate
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crpm_cms.plugin_api import Registration, User, db, get_setting, term_label, utcnow

FONTS = Path(__file__).parent / "data"
CODE_BYTES = 15  # 120 random bits: 24 base32 characters
CODE_PATTERN = re.compile(r"^[A-Z2-7]{24}$")


class CertificateError(ValueError):
    """The certificate cannot be issued or shown; the message is translated."""


def new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def normalise_code(text: str) -> str | None:
    """The code as stored, from what someone typed or copied (case and spaces do not matter)."""
    letters = re.sub(r"[\s-]", "", text or "").upper()
    if not CODE_PATTERN.match(letters):
        return None
    return "-".join(letters[i:i + 4] for i in range(0, len(letters), 4))


def issue(registration: Registration, training: Training) -> TrainingCertificate:
    """The certificate of a certified participant, created once (safe when two requests race)."""
    if registration.state != "certified":
        raise CertificateError(_("Only certified participants receive a certificate."))
    existing = certificate_of(registration)
    if existing is not None:
        return existing
    user = db.session.get(User, registration.user_id)
    certificate = TrainingCertificate(registration_id=registration.id, training_id=training.id,
                                      code=new_code(),
                                      holder_name=(user.display_name if user else "")[:120])
    db.session.add(certificate)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = certificate_of(registration)
        if existing is None:
            raise
        return existing
    return certificate


def certificate_of(registration: Registration) -> TrainingCertificate | None:
    return db.session.scalar(select(TrainingCertificate)
                             .where(TrainingCertificate.registration_id == registration.id))


def verify(code_text: str) -> tuple[TrainingCertificate | None, bool]:
    """``(certificate, valid)``: a forged code finds nothing; a revoked one is not valid."""
    code = normalise_code(code_text)
    if code is None:
        return None, False
    certificate = db.session.scalar(select(TrainingCertificate)
                                    .where(TrainingCertificate.code == code))
    return certificate, certificate is not None and certificate.revoked_at is None


def revoke(certificate: TrainingCertificate, actor: User) -> None:
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
        certificate.revoked_by_id = actor.id
        db.session.commit()


def training_date(certificate: TrainingCertificate) -> str:
    """The date the certificate shows: the end of the training's last session, in its zone."""
    training = certificate.training
    last = max(training.sessions, key=lambda s: s.ends_at, default=None)
    if last is None:
        return local_date(certificate.issued_at, training.timezone)
    return local_date(last.ends_at, last.timezone)


def pdf_bytes(certificate: TrainingCertificate, language: str | None) -> bytes:
    """The certificate as an A4 landscape PDF in ``language`` (the holder's)."""
    from fpdf import FPDF  # imported here: it takes a second, and few requests need it

    training = certificate.training
    language = language if language in ("fr", "en") else "fr"
    with force_locale(language):
        lines = [
            (_("Certificate of participation"), "B", 26, 18),
            (_("This certifies that"), "", 14, 12),
            (certificate.holder_name, "B", 22, 16),
            (_("took part in"), "", 14, 12),
            (training.title_in(language), "B", 18, 14),
            (term_label("training_kind", training.kind), "", 12, 10),
            (training_date(certificate), "", 12, 14),
            (_("Verification code: %(code)s", code=certificate.code), "", 10, 8),
            (url_for("training.verify_certificate", code=certificate.code, _external=True),
             "", 9, 8),
            (get_setting("site_name"), "", 10, 8),
        ]
        title = _("Certificate of participation")
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(title)
    pdf.set_creator(str(get_setting("site_name")))
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(25, 25, 25)
    pdf.add_page()
    pdf.set_line_width(0.8)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
    pdf.set_y(35)
    for text, style, size, height in lines:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(0, height, str(text), align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
