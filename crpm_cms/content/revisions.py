"""Revisions of an item: listing them, finding one, and comparing two line by line."""

from __future__ import annotations

import difflib
import re

from sqlalchemy import select

from crpm_cms.content.models import ContentItem, Revision
from crpm_cms.extensions import db


def revisions(item: ContentItem) -> list[Revision]:
    return list(db.session.scalars(select(Revision).where(Revision.item_id == item.id)
                                   .order_by(Revision.saved_at.desc(), Revision.id.desc())))


def latest_revision_id(item: ContentItem) -> int | None:
    """The revision holding the item's current text."""
    return db.session.scalar(select(Revision.id).where(
        Revision.item_id == item.id, Revision.refused.is_(False))
        .order_by(Revision.version.desc(), Revision.id.desc()).limit(1))


def revision_of(item: ContentItem, revision_id: int | None) -> Revision | None:
    revision = db.session.get(Revision, revision_id) if revision_id else None
    return revision if revision is not None and revision.item_id == item.id else None


BLOCK_END = re.compile(r"(</(?:p|h2|h3|h4|li|blockquote|tr|table|figure|pre|ul|ol)>|<br>|<hr>)")


def text_lines(revision: Revision) -> list[str]:
    """A revision as lines to compare: title, summary, then the text cut at block ends."""
    body = BLOCK_END.sub(r"\1\n", revision.body_html)
    return [revision.title, *revision.summary.splitlines(), "",
            *(line for line in body.splitlines() if line.strip())]


def diff(older: Revision, newer: Revision) -> list[tuple[str, str]]:
    """(change, line) pairs, change being "same", "removed" or "added"; lines are plain text."""
    changes = {" ": "same", "-": "removed", "+": "added"}
    return [(changes[line[0]], line[2:])
            for line in difflib.ndiff(text_lines(older), text_lines(newer))
            if line[0] in changes]
