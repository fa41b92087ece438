"""What editors write: news, publications (notes, studies…) and static pages, with revisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from crpm_cms.extensions import Model, db
from crpm_cms.organisations.models import Organisation
from crpm_cms.taxonomies.models import Country, Term
from crpm_cms.timezones import utcnow
from crpm_cms.users.models import User

KINDS = ("news", "publication", "page")
STATUSES = ("draft", "submitted", "published", "unpublished", "archived")
PAGE_SLUGS = ("about", "contact", "legal", "privacy")
# Lengths an item's fields may have, the same through the editor and the API.
TITLE_LENGTH, SUMMARY_LENGTH, BODY_LENGTH = 255, 2000, 500_000

content_themes = Table(
    "content_themes",
    db.metadata,
    Column("content_id", ForeignKey("content_items.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("terms.id"), primary_key=True),
)
content_organisations = Table(
    "content_organisations",
    db.metadata,
    Column("content_id", ForeignKey("content_items.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
)


class ContentItem(Model):
    """A news item, a publication or a static page; ``version`` guards against lost updates."""

    __tablename__ = "content_items"
    __table_args__ = (
        UniqueConstraint("kind", "slug"),
        Index("ix_content_items_listing", "kind", "status", "publish_at"),
        # Covers the grouped count of a list page (live items by language) without table reads.
        Index("ix_content_items_live_count", "kind", "status", "publish_at", "language",
              "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    document_type: Mapped[str | None] = mapped_column(String(40))  # publications: term code
    slug: Mapped[str] = mapped_column(String(160))
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")  # always sanitised with nh3
    language: Mapped[str] = mapped_column(String(8), default="fr")
    translation_key: Mapped[str | None] = mapped_column(String(36), index=True)
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    publish_at: Mapped[datetime | None]  # when it goes live (None while never published)
    expires_at: Mapped[datetime | None]
    featured: Mapped[bool] = mapped_column(default=False)
    cover_image: Mapped[str | None] = mapped_column(String(80))
    cover_alt: Mapped[str] = mapped_column(String(255), default="")
    version: Mapped[int] = mapped_column(default=1)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
    country: Mapped[Country | None] = relationship(lazy="joined")
    themes: Mapped[list[Term]] = relationship(secondary=content_themes, lazy="selectin")
    organisations: Mapped[list[Organisation]] = relationship(secondary=content_organisations,
                                                             lazy="selectin")

    @classmethod
    def live(cls, now: datetime) -> ColumnElement[bool]:
        """Visible to the public at ``now``: decided at query time, so no cron is needed."""
        return and_(cls.status == "published", cls.publish_at <= now,
                    or_(cls.expires_at.is_(None), cls.expires_at > now))


class Revision(Model):
    """A saved state of an item; ``refused`` marks a stale save kept so nothing is lost."""

    __tablename__ = "content_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id", ondelete="CASCADE"),
                                         index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    refused: Mapped[bool] = mapped_column(default=False)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    saved_by: Mapped[User | None] = relationship(lazy="joined")
