"""Organisations of the network: CSOs, diaspora associations, networks, institutions…"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crpm_cms.extensions import Model, db
from crpm_cms.i18n import localised
from crpm_cms.taxonomies.models import Country, Term
from crpm_cms.timezones import utcnow
from crpm_cms.users.models import User
from crpm_cms.versions import Versioned

VISIBILITIES = ("public", "members")

organisation_countries = Table(
    "organisation_countries",
    db.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("country_code", ForeignKey("countries.code"), primary_key=True),
)

organisation_themes = Table(
    "organisation_themes",
    db.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("terms.id"), primary_key=True),
)


class Organisation(Versioned, Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    acronym: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40), index=True)  # organisation_kind term code
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    logo: Mapped[str | None] = mapped_column(String(80))  # generated file name under uploads/logos
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    country: Mapped[Country] = relationship(lazy="joined")
    countries: Mapped[list[Country]] = relationship(
        secondary=organisation_countries, lazy="selectin", order_by=Country.name_fr
    )
    themes: Mapped[list[Term]] = relationship(
        secondary=organisation_themes, lazy="selectin", order_by=(Term.vocabulary, Term.position)
    )
    parent: Mapped[Organisation | None] = relationship(remote_side=[id])
    identifiers: Mapped[list[OrganisationIdentifier]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", lazy="selectin"
    )
    members: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def description(self) -> str:
        return localised(self.description_fr, self.description_en)


class OrganisationIdentifier(Model):
    """An official identifier in an org-id.guide scheme, e.g. ``SN-NINEA`` + number."""

    __tablename__ = "organisation_identifiers"
    __table_args__ = (UniqueConstraint("scheme", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    scheme: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(120))

    organisation: Mapped[Organisation] = relationship(back_populates="identifiers")
