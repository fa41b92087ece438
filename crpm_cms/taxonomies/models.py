"""Countries and vocabulary terms (themes, GCM objectives, kinds), loaded from reference data."""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crpm_cms.extensions import Model
from crpm_cms.i18n import localised


class Country(Model):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3))
    name_fr: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    languages: Mapped[str] = mapped_column(String(64), default="")
    role: Mapped[str] = mapped_column(String(64), default="")

    @property
    def name(self) -> str:
        return localised(self.name_fr, self.name_en)


class Term(Model):
    """One entry of a vocabulary: ``theme``, ``gcm_objective``, ``organisation_kind``…"""

    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("vocabulary", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(60))
    label_fr: Mapped[str] = mapped_column(String(255))
    label_en: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(default=0)

    @property
    def label(self) -> str:
        return localised(self.label_fr, self.label_en)
