"""Outgoing mail: SMTP when ``MAIL_SERVER`` is set, otherwise ``.eml`` files in the outbox."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from crpm_cms.settings.services import get_setting


def render_message(to: str, template: str, language: str | None, **context: Any) -> EmailMessage:
    """Build a message from ``mail/<template>.txt``; its first line is the subject."""
    language = language or current_app.config["DEFAULT_LANGUAGE"]
    with force_locale(language):
        subject, _, body = render_template(f"mail/{template}.txt", **context).partition("\n")
    message = EmailMessage()
    message["From"] = f"{get_setting('site_name')} <{current_app.config['MAIL_SENDER']}>"
    message["To"] = to
    message["Subject"] = subject.strip()
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_SENDER"].split("@")[-1])
    message.set_content(body.strip() + "\n")
    message["Content-Language"] = language  # after set_content, which clears Content-* headers
    return message


def deliver(message: EmailMessage) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        outbox = Path(current_app.instance_path) / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(message.as_bytes())
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"],
                    timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def send_mail(to: str, template: str, language: str | None = None, **context: Any) -> None:
    """Render and deliver; a failing SMTP server is logged, never shown to the visitor as a 500."""
    message = render_message(to, template, language, **context)
    try:
        deliver(message)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("Could not send %r to %s", template, to)
