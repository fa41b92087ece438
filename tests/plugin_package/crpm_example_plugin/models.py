"""What the example plugin stores: short notes, in its own ``example_``-prefixed table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crpm_cms.plugin_api import Model, utcnow

NOTE_MAX_LENGTH = 500


class ExampleNote(Model):
    __tablename__ = "example_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(NOTE_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
