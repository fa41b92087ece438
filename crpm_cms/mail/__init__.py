"""Outgoing mail: messages rendered from templates and put in the outbox, sent by SMTP when
``MAIL_SERVER`` is set, otherwise written as ``.eml`` files in ``instance/outbox``; and where the
links in an e-mail point when no request gives the site's address."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import click
from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from crpm_cms.forms import single_line
from crpm_cms.mail import outbox
from crpm_cms.settings.services import get_setting


def render_message(to: str, template: str, language: str | None, **context: Any) -> EmailMessage:
    """Build a message from ``mail/<template>.txt``; its first line is the subject."""
    language = language or current_app.config["DEFAULT_LANGUAGE"]
    with force_locale(language):
        subject, _, body = render_template(f"mail/{template}.txt", **context).partition("\n")
    message = EmailMessage()
    message["From"] = f"{get_setting('site_name')} <{current_app.config['MAIL_SENDER']}>"
    message["To"] = to
    message["Subject"] = single_line(subject).strip()  # a stray CR must not fail the send
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_SENDER"].split("@")[-1])
    message.set_content(body.strip() + "\n")
    message["Content-Language"] = language  # after set_content, which clears Content-* headers
    return message


def deliver(message: EmailMessage, template: str = "message") -> None:
    """Put a rendered message in the outbox (``crpm_cms.mail.outbox``): it is written with the
    caller's change and sent after the response, or by ``crpm jobs run`` if the SMTP server is
    down; ``template`` names it in the logs."""
    outbox.queue(message, template)


def send_mail(to: str, template: str, language: str | None = None, **context: Any) -> None:
    """Render ``mail/<template>.txt`` in ``language`` and put it in the outbox: a failing SMTP
    server delays the mail, and never fails the visitor's request."""
    deliver(render_message(to, template, language, **context), template)


class MissingSiteUrl(RuntimeError):
    """An e-mail with links is written outside a request and the site's address is unknown."""


def external_links(site_url: str | None = None) -> AbstractContextManager[object]:
    """Inside this block ``url_for(..., _external=True)`` gives addresses a reader can follow.

    ``site_url`` (a command's ``--site-url``) wins; otherwise a request gives its own address,
    and outside one (cron, ``crpm jobs run``) the ``SITE_URL`` setting (``CRPM_SITE_URL``) or
    Flask's ``SERVER_NAME`` does. With none of them, ``MissingSiteUrl`` says what to set.
    """
    if site_url and not site_url.startswith(("http://", "https://")):
        raise MissingSiteUrl(_("The site's address starts with https:// or http://, as in "
                               "https://reseau-crpm.org."))
    if not site_url and has_request_context():
        return nullcontext()
    base = (site_url or current_app.config.get("SITE_URL") or "").rstrip("/")
    if base:
        return current_app.test_request_context("/", base_url=base)
    if current_app.config.get("SERVER_NAME"):
        return nullcontext()
    raise MissingSiteUrl(_("Set SITE_URL (CRPM_SITE_URL), the public address of the site such as "
                           "https://reseau-crpm.org, or pass --site-url: e-mailed links must "
                           "point to it."))


def site_url_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command that e-mails links a ``--site-url`` option; its body runs inside
    ``external_links(site_url)`` and a missing address stops it with the message. Put it under
    ``@with_appcontext``."""

    @click.option("--site-url", help="Public address of the site for the links in the e-mails, "
                                     "e.g. https://reseau-crpm.org (default: SITE_URL).")
    @functools.wraps(command)
    def run(*args: Any, site_url: str | None = None, **kwargs: Any) -> Any:
        try:
            with external_links(site_url):
                return command(*args, **kwargs)
        except MissingSiteUrl as error:
            raise click.ClickException(str(error)) from None

    return run
