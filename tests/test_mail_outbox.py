"""The mail outbox: an e-mail is written with the change it tells about and sent afterwards, so
an SMTP outage delays mail and loses none, and nothing fails after a commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from crpm_cms.events import emit
from crpm_cms.extensions import db
from crpm_cms.hookspecs import Event, hookimpl
from crpm_cms.mail import send_mail
from crpm_cms.mail.models import QueuedMail
from crpm_cms.mail.outbox import deliver_due, retry_delay, waiting_count
from crpm_cms.testing import client_of
from crpm_cms.testing.mail import Inbox, free_port, smtp_server
from crpm_cms.timezones import utcnow
from tests.test_content import act, create


def jobs_run(app: Flask, *names: str) -> str:
    result = app.test_cli_runner().invoke(args=["jobs", "run", *names])
    assert result.exit_code == 0, result.output
    return result.output


def ask_for_account(app: Flask, number: int) -> int:
    return client_of(app).post_form("/register", {
        "display_name": f"Membre {number}", "email": f"membre{number}@test.crpm",
        "organisation": "0", "language": "fr", "password": "long enough pass",
        "confirm": "long enough pass"}).status_code


@pytest.mark.slow
def test_an_smtp_outage_delays_sixty_mails_and_the_job_sends_each_once(
        make_app: Callable[..., Flask], people: dict[str, str]) -> None:
    port = free_port()  # nobody listens there: the server is down
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    assert [ask_for_account(app, number) for number in range(50)] == [302] * 50
    editor = client_of(app, people["editor"])
    for number in range(10):
        assert act(editor, create(editor, title=f"Note {number}"), "submit").status_code == 302
    with app.app_context():
        assert waiting_count() == 60  # 50 requests for the admin to check, 10 to review

    inbox = Inbox()
    with smtp_server(port, inbox):
        assert "mail.deliver: 60 envoyé(s), 0 refusé(s) (nouvel essai plus tard), 0 en attente" \
            in jobs_run(app)
        assert "mail.deliver: 0 envoyé(s)" in jobs_run(app, "mail.deliver")
    assert len(inbox.messages) == 60
    assert len({message["Message-ID"] for message in inbox.messages}) == 60
    subjects = [message["Subject"] for message in inbox.messages]
    assert sum("Note" in subject for subject in subjects) == 10
    assert {message["To"] for message in inbox.messages} == {people["admin"]}


def test_a_mail_is_sent_right_after_the_response_that_wrote_it(
        mail_app: tuple[Flask, Inbox], people: dict[str, str]) -> None:
    app, inbox = mail_app
    assert ask_for_account(app, 1) == 302
    assert [message["To"] for message in inbox.messages] == [people["admin"]]
    with app.app_context():
        assert waiting_count() == 0


def test_a_mail_of_a_change_rolled_back_is_never_sent(mail_app: tuple[Flask, Inbox],
                                                      people: dict[str, str]) -> None:
    app, inbox = mail_app
    with app.test_request_context("/"):
        db.session.add(QueuedMail(recipient="x@test.crpm", template="t", message=b"",
                                  created_at=utcnow(), next_attempt_at=utcnow()))
        send_mail(people["member"], "password_reset_unknown", None, link="http://x")
        db.session.rollback()
        assert waiting_count() == 0
    assert inbox.messages == []


class RefusingInbox(Inbox):
    """A server that refuses one recipient, as a full mailbox or a typo would."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          options: list[str]) -> str:
        if address.startswith("refused@"):
            return "550 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_message_is_tried_again_later_and_later(make_app: Callable[..., Flask]) -> None:
    inbox = RefusingInbox()
    with smtp_server(inbox=inbox) as (_, port):
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        with app.app_context():
            send_mail("refused@test.crpm", "password_reset_unknown", None, link="http://x")
            send_mail("ok@test.crpm", "password_reset_unknown", None, link="http://x")
        assert [message["To"] for message in inbox.messages] == ["ok@test.crpm"]
        with app.app_context():
            refused = db.session.scalar(select(QueuedMail).where(QueuedMail.sent_at.is_(None)))
            assert refused is not None and refused.attempts == 1
            assert "550" in refused.last_error
            assert deliver_due().sent == 0  # not due before its retry time
            later = deliver_due(now=utcnow() + timedelta(minutes=2))
            assert (later.sent, later.refused, later.waiting) == (0, 1, 1)
    assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert retry_delay(30) == timedelta(hours=6)


def test_two_senders_at_once_send_a_mail_once(mail_app: tuple[Flask, Inbox]) -> None:
    app, inbox = mail_app
    with app.app_context():
        db.session.add(QueuedMail(recipient="a@test.crpm", template="t",
                                  message=b"Subject: a\r\n\r\nbody\r\n", created_at=utcnow(),
                                  next_attempt_at=utcnow(), claimed_until=utcnow()
                                  + timedelta(minutes=1)))  # another sender holds it
        db.session.commit()
        assert deliver_due().sent == 0
        assert deliver_due(now=utcnow() + timedelta(minutes=6)).sent == 1  # it died: released
        assert deliver_due(now=utcnow() + timedelta(minutes=12)).sent == 0
    assert len(inbox.messages) == 1


class Failing:
    """A plugin whose event handler fails."""

    @staticmethod
    @hookimpl
    def handle_event(event: Event) -> None:
        raise RuntimeError(f"cannot handle {event.name}")


def test_a_failing_event_handler_is_logged_and_the_change_stays(
        app: Flask, login: Callable[[str], Any], caplog: pytest.LogCaptureFixture) -> None:
    app.extensions["crpm_plugins"].pm.register(Failing, name="failing")
    editor = login("editor")
    item_id = create(editor, title="Malgré tout")
    assert act(editor, item_id, "submit").status_code == 302
    assert "handle_event of failing failed" in caplog.text
    with app.app_context():
        emit(Event("content.saved", None, {"item_id": item_id}))  # does not raise
        assert db.session.scalar(select(func.count()).select_from(QueuedMail)) >= 1
