"""Read-side rules for the library: members-only documents never reach anonymous visitors."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from crpm_cms.library.models import LibraryDocument
from crpm_cms.permissions import can


def visible_documents(user: Any) -> Select[LibraryDocument]:
    """Published documents this visitor may see: public ones, plus members-only for members.

    Every surface (pages, downloads, lists, feeds, sitemap, API, search) starts from here.
    """
    query = select(LibraryDocument).where(LibraryDocument.published.is_(True))
    if not can(user, "members.area"):
        query = query.where(LibraryDocument.access == "public")
    return query
