"""Which plugins are enabled: a row per plugin, read on every request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crpm_cms.extensions import Model
from crpm_cms.timezones import utcnow


class PluginState(Model):
    __tablename__ = "plugin_states"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
