"""Site settings an admin changes in the browser (declared with defaults by core and plugins)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from crpm_cms.extensions import Model
from crpm_cms.versions import Versioned


class SiteSetting(Versioned, Model):
    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
