"""Sending the outbox: right after the response of the request that wrote the mail, and from
``crpm jobs run`` (job ``mail.deliver``) for whatever is still waiting.

A mail is a ``QueuedMail`` row committed with the change it tells about, so a failure after the
commit cannot lose it, and a failing SMTP server cannot fail the visitor's request:

- the SMTP server cannot be reached (down, refusing, timing out): the mail waits; the end of the
  request tried only its own mails, and ``crpm jobs run`` tries every waiting one;
- the server refuses this message (a 4xx or 5xx answer): it is tried again later and later
  (1 minute, doubling, at most 6 hours between tries), by both senders.

Each row is claimed (a conditional ``UPDATE``) before it is sent and marked sent right after,
so two senders at once never send a mail twice.
"""

from __future__ import annotations

import smtplib
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

from flask import Flask, Response, current_app, g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import CursorResult, event, func, or_, select, update
from sqlalchemy.orm import Session

from crpm_cms.extensions import db
from crpm_cms.mail.models import QueuedMail
from crpm_cms.timezones import utcnow

QUEUED_FLAG = "crpm_mail_queued"  # ids of the mails this app context wrote
WROTE_FLAG = "crpm_wrote"  # the session's transaction has flushed a change
CLAIM = timedelta(minutes=5)  # a sender that died lets go of its mails after this
FIRST_RETRY, LAST_RETRY = timedelta(minutes=1), timedelta(hours=6)
BATCH = 500
# The server answered this message with an error. Any other failure (smtplib's errors are
# OSErrors) means the server cannot be reached or talked to: nothing is wrong with the message.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass(frozen=True)
class Delivery:
    """What a sending round did: sent, refused by the server (tried again later), waiting."""

    sent: int
    refused: int
    waiting: int
    unreachable: str = ""

    def __str__(self) -> str:
        text = _("%(sent)d sent, %(refused)d refused (tried again later), %(waiting)d waiting",
                 sent=self.sent, refused=self.refused, waiting=self.waiting)
        if self.unreachable:
            text += _("; the SMTP server cannot be reached: %(error)s", error=self.unreachable)
        return text


def queue(message: EmailMessage, template: str) -> None:
    """Put ``message`` in the outbox. Inside a transaction that has changed something, it
    commits (or rolls back) with that change; otherwise it is committed at once."""
    session = db.session()
    alone = not session.info.get(WROTE_FLAG) and not (session.new or session.dirty
                                                      or session.deleted)
    mail = QueuedMail(recipient=str(message["To"]), template=template[:120],
                      message=message.as_bytes(policy=message.policy.clone(linesep="\r\n")),
                      created_at=utcnow(), next_attempt_at=utcnow())
    session.add(mail)
    session.flush()
    if has_app_context():
        g.setdefault(QUEUED_FLAG, []).append(mail.id)
    if alone:
        session.commit()


def retry_delay(attempts: int) -> timedelta:
    """1 minute after the first refusal, doubling, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def deliver_due(ids: Iterable[int] | None = None, now: datetime | None = None) -> Delivery:
    """Send the waiting mails that are due (only ``ids``, when given), oldest first."""
    now = now or utcnow()
    query = select(QueuedMail.id).where(QueuedMail.sent_at.is_(None),
                                        QueuedMail.next_attempt_at <= now)
    if ids is not None:
        query = query.where(QueuedMail.id.in_(list(ids)))
    due = list(db.session.scalars(query.order_by(QueuedMail.id).limit(BATCH)))
    db.session.commit()
    sent = refused = 0
    unreachable = ""
    with transport() as send:
        for mail_id in due:
            mail = claim(mail_id, now)
            if mail is None:
                continue
            try:
                send(mail.recipient, mail.message)
            except REFUSED as error:
                release(mail, error, charge=True)
                refused += 1
            except OSError as error:
                release(mail, error, charge=False)
                unreachable = f"{type(error).__name__}: {error}"
                break  # the next ones would wait for the same server
            else:
                mail.sent_at, mail.claimed_until = utcnow(), None
                db.session.commit()
                sent += 1
    if unreachable:
        current_app.logger.warning("Mail waits in the outbox: %s", unreachable)
    return Delivery(sent, refused, waiting_count(), unreachable)


def claim(mail_id: int, now: datetime) -> QueuedMail | None:
    """The row, if this sender is the one that may send it now."""
    result = cast(CursorResult[Any], db.session.execute(
        update(QueuedMail)
        .where(QueuedMail.id == mail_id, QueuedMail.sent_at.is_(None),
               or_(QueuedMail.claimed_until.is_(None), QueuedMail.claimed_until < now))
        .values(claimed_until=now + CLAIM)
        .execution_options(synchronize_session=False)))
    db.session.commit()
    return db.session.get(QueuedMail, mail_id) if result.rowcount == 1 else None


def release(mail: QueuedMail, error: Exception, charge: bool) -> None:
    """Give the mail back; a refusal of the message itself counts as an attempt."""
    mail.last_error = f"{type(error).__name__}: {error}"[:500]
    mail.claimed_until = None
    if charge:
        mail.attempts += 1
        mail.next_attempt_at = utcnow() + retry_delay(mail.attempts)
        current_app.logger.warning("Mail %s to %s refused: %s", mail.id, mail.recipient,
                                   mail.last_error)
    db.session.commit()


def waiting_count() -> int:
    count = db.session.scalar(select(func.count()).select_from(QueuedMail)
                              .where(QueuedMail.sent_at.is_(None)))
    db.session.commit()
    return int(count or 0)


@contextmanager
def transport() -> Iterator[Callable[[str, bytes], None]]:
    """A function that sends one message: through ``MAIL_SERVER`` (one connection, opened at
    the first message), or, without a server, as an ``.eml`` file in ``instance/outbox``."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        folder = Path(current_app.instance_path) / "outbox"

        def write(recipient: str, message: bytes) -> None:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message)

        yield write
        return
    connection: list[smtplib.SMTP] = []

    def send(recipient: str, message: bytes) -> None:
        if not connection:
            connection.append(connect())
        connection[0].sendmail(config["MAIL_SENDER"], [recipient], message)

    try:
        yield send
    finally:
        for smtp in connection:
            try:
                smtp.quit()
            except OSError:
                smtp.close()


def connect() -> smtplib.SMTP:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"],
                      timeout=config["MAIL_TIMEOUT"])
    if config["MAIL_USE_TLS"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


def deliver_job() -> Delivery:
    """The ``mail.deliver`` job: every due mail, whichever request or command wrote it."""
    return deliver_due()


# -- when to send: after the response, at the end of a command ----------------------------------


def _queued_here() -> list[int]:
    return g.pop(QUEUED_FLAG, []) if has_app_context() else []


def _send_after_response(response: Response) -> Response:
    """The mails this request wrote are sent once the response is out: the visitor does not
    wait for the SMTP server, and a failure there cannot change the answer."""
    ids = _queued_here()
    if ids:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(lambda: _send_quietly(app, ids))
    return response


def _send_at_teardown(error: BaseException | None) -> None:
    """The same for commands and background work, at the end of their app context."""
    ids = _queued_here()
    if ids and error is None:
        _send_quietly(current_app._get_current_object(), ids)  # type: ignore[attr-defined]


def _send_quietly(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        try:
            deliver_due(ids)
        except Exception:  # noqa: BLE001 - the mails wait for the job; the visitor is served
            db.session.rollback()
            app.logger.exception("Mail delivery after the response failed; the job retries")
        finally:
            db.session.remove()


def _note_write(session: Session, _context: object) -> None:
    session.info[WROTE_FLAG] = True


def _forget_writes(session: Session, *_args: object) -> None:
    session.info.pop(WROTE_FLAG, None)


event.listen(Session, "after_flush", _note_write)
event.listen(Session, "after_commit", _forget_writes)
event.listen(Session, "after_rollback", _forget_writes)


def init_app(app: Flask) -> None:
    app.after_request(_send_after_response)
    app.teardown_appcontext(_send_at_teardown)
