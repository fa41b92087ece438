"""The search outbox: one row per changed record, written in the transaction of the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crpm_cms.extensions import Model
from crpm_cms.timezones import utcnow


class SearchChange(Model):
    """A record whose indexed copy must be refreshed; deleted once the index writer applied it."""

    __tablename__ = "search_outbox"
    # Ids are never reused (SQLite would reuse a deleted maximum): a writer deletes exactly the
    # rows it applied, by id, possibly after another writer already did.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
