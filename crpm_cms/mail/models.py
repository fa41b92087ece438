"""The mail outbox: each e-mail is a row written in the transaction of the change it tells
about, and sent afterwards by ``crpm_cms.mail.outbox``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from crpm_cms.extensions import Model
from crpm_cms.timezones import utcnow


class QueuedMail(Model):
    """An e-mail to send (``sent_at`` empty) or sent. A failed attempt sets ``next_attempt_at``
    later and keeps ``last_error``; a sender ``claims`` a row for a while, so that two senders
    (the end of a request, ``crpm jobs run``) never send it twice."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(255))
    template: Mapped[str] = mapped_column(String(120))
    message: Mapped[bytes] = mapped_column(LargeBinary)  # RFC 5322, as rendered
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
