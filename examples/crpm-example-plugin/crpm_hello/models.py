"""What the plugin stores, in its own table: the name starts with the plugin's (``hello_``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crpm_cms.plugin_api import Model, User, utcnow

GREETING_MAX_LENGTH = 280


class Greeting(Model):
    __tablename__ = "hello_greetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(GREETING_MAX_LENGTH))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()
