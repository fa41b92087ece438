"""Library documents: a stored file, its metadata and its extracted text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from crpm_cms.extensions import Model, db
from crpm_cms.organisations.models import Organisation
from crpm_cms.taxonomies.models import Country, Term
from crpm_cms.timezones import utcnow
from crpm_cms.users.models import User
from crpm_cms.versions import Versioned

ACCESS_LEVELS = ("public", "members")
TEXT_STATUSES = ("extracted", "no_text", "failed", "not_applicable")

document_countries = Table(
    "document_countries",
    db.metadata,
    Column("document_id", ForeignKey("library_documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("country_code", ForeignKey("countries.code"), primary_key=True),
)
document_themes = Table(
    "document_themes",
    db.metadata,
    Column("document_id", ForeignKey("library_documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("term_id", ForeignKey("terms.id"), primary_key=True),
)
document_organisations = Table(
    "document_organisations",
    db.metadata,
    Column("document_id", ForeignKey("library_documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
)


class LibraryDocument(Versioned, Model):
    __tablename__ = "library_documents"
    __table_args__ = (UniqueConstraint("sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text, default="")
    document_type: Mapped[str] = mapped_column(String(40), index=True)  # document_type term code
    language: Mapped[str] = mapped_column(String(8), default="fr", index=True)
    translation_key: Mapped[str | None] = mapped_column(String(36), index=True)
    year: Mapped[int | None] = mapped_column(index=True)
    access: Mapped[str] = mapped_column(String(16), default="public", index=True)
    published: Mapped[bool] = mapped_column(default=True)
    file_name: Mapped[str] = mapped_column(String(80))  # generated name under uploads/library
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = deferred(mapped_column(Text, default=""))  # extracted, for search
    text_status: Mapped[str] = mapped_column(String(20), default="not_applicable")
    download_count: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    countries: Mapped[list[Country]] = relationship(secondary=document_countries,
                                                    lazy="selectin")
    themes: Mapped[list[Term]] = relationship(secondary=document_themes, lazy="selectin")
    organisations: Mapped[list[Organisation]] = relationship(secondary=document_organisations,
                                                             lazy="selectin")
    uploaded_by: Mapped[User | None] = relationship()
