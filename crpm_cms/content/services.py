"""Rules for content: who may do what, the editorial workflow, saving without lost updates.

Every change to an item goes through this module: the workflow transitions are declared once in
``TRANSITIONS``, a save is one conditional ``UPDATE … WHERE version = :expected`` (a stale save is
refused and kept as a revision), and every action leaves an audit entry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, CursorResult, and_, false, func, or_, select, update

from crpm_cms.audit.services import record
from crpm_cms.content.models import PAGE_SLUGS, ContentItem, Revision
from crpm_cms.content.sanitize import sanitize_html
from crpm_cms.events import emit
from crpm_cms.extensions import db
from crpm_cms.hookspecs import Event
from crpm_cms.mail import send_mail
from crpm_cms.organisations.models import Organisation
from crpm_cms.organisations.services import slugify
from crpm_cms.permissions import can, countries_for, permissions
from crpm_cms.taxonomies.models import Term
from crpm_cms.timezones import utcnow
from crpm_cms.users.models import RoleAssignment, User

WRITER, REVIEWER = "writer", "reviewer"


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]  # statuses the action starts from
    target: str
    by: str  # WRITER or REVIEWER


# The whole workflow: draft → submitted → published (now or at publish_at) → unpublished/archived.
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(("draft", "unpublished"), "submitted", WRITER),
    "publish": Transition(("draft", "submitted", "unpublished"), "published", REVIEWER),
    "unpublish": Transition(("published",), "unpublished", REVIEWER),
    "archive": Transition(("draft", "submitted", "published", "unpublished"), "archived",
                          REVIEWER),
    "to_draft": Transition(("submitted", "unpublished", "archived"), "draft", WRITER),
}


class ContentError(ValueError):
    """Input the rules refuse; ``field`` names the form field it belongs to."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


class NotAllowed(Exception):
    """The user may not take this action on this item."""


class WrongStatus(Exception):
    """The action does not start from the item's current status (or it changed meanwhile)."""


class StaleVersion(Exception):
    """The item changed since the editor opened it; the refused text is kept as a revision."""

    def __init__(self, refused_revision_id: int) -> None:
        super().__init__(refused_revision_id)
        self.refused_revision_id = refused_revision_id


# -- who may do what --------------------------------------------------------------------------


def _holds_for(user: User | None, permission: str, country: str | None) -> bool:
    """``permission`` for ``country``; an item of no country needs an unscoped holder."""
    if country is None:
        return countries_for(user, permission) is None
    return can(user, permission, country)


def may_write(user: User | None, item: ContentItem) -> bool:
    if item.kind == "page":
        return can(user, "pages.edit")
    return _holds_for(user, "content.write", item.country_code)


def may_review(user: User | None, item: ContentItem) -> bool:
    if item.kind == "page":
        return can(user, "pages.edit")
    return _holds_for(user, "content.publish", item.country_code)


def may_create(user: User | None, kind: str) -> bool:
    return can(user, "pages.edit" if kind == "page" else "content.write")


def may_preview(user: User | None, item: ContentItem) -> bool:
    """Editors who could change an item see it before it is live (with a banner)."""
    return may_write(user, item) or may_review(user, item)


def uses_editor(user: User | None) -> bool:
    return any(can(user, name) for name in ("content.write", "content.publish", "pages.edit"))


def may_act(user: User | None, item: ContentItem, action: str) -> bool:
    transition = TRANSITIONS[action]
    return may_write(user, item) if transition.by == WRITER else may_review(user, item)


def available_actions(user: User | None, item: ContentItem) -> list[str]:
    return [action for action, transition in TRANSITIONS.items()
            if item.status in transition.sources and may_act(user, item, action)]


def _scope(user: User | None, permission: str) -> ColumnElement[bool]:
    """Items (other than pages) of the countries where ``user`` holds ``permission``."""
    countries = countries_for(user, permission)
    if countries is None:
        return ContentItem.kind != "page"
    if not countries:
        return false()
    return and_(ContentItem.kind != "page", ContentItem.country_code.in_(countries))


def editable_by(user: User | None) -> ColumnElement[bool]:
    """The SQL form of ``may_write``, for the editor's lists."""
    pages = ContentItem.kind == "page" if can(user, "pages.edit") else false()
    return or_(_scope(user, "content.write"), pages)


def reviewable_by(user: User | None) -> ColumnElement[bool]:
    """The SQL form of ``may_review``."""
    pages = ContentItem.kind == "page" if can(user, "pages.edit") else false()
    return or_(_scope(user, "content.publish"), pages)


# -- saving -----------------------------------------------------------------------------------


@dataclass
class ContentData:
    """What a form or the API gives to ``create_item`` / ``save_item``."""

    title: str
    summary: str = ""
    body_html: str = ""
    language: str = "fr"
    country_code: str | None = None
    document_type: str | None = None
    translation_of: int | None = None
    themes: list[int] = field(default_factory=list)
    organisations: list[int] = field(default_factory=list)
    featured: bool = False
    publish_at: datetime | None = None  # naive UTC
    expires_at: datetime | None = None
    cover_image: str | None = None  # a new cover; None keeps the current one
    remove_cover: bool = False
    cover_alt: str = ""
    page: str | None = None  # static pages: about, contact, legal or privacy


def check(kind: str, data: ContentData, item_id: int | None = None) -> None:
    """Rules that need the database; raises ``ContentError`` naming the field."""
    if data.expires_at and data.publish_at and data.expires_at <= data.publish_at:
        raise ContentError("expires_at", _("The expiry date must come after the publication "
                                           "date."))
    if data.translation_of is not None:
        other = db.session.get(ContentItem, data.translation_of)
        if other is None or other.kind != kind or other.id == item_id:
            raise ContentError("translation_of", _("Choose another item of the same kind."))
        if other.language == data.language:
            raise ContentError("translation_of",
                               _("A translation must be in the other language."))
    if kind == "page" and item_id is None:
        if data.page not in PAGE_SLUGS:
            raise ContentError("page", _("Choose one of the pages."))
        if _page_slug(data.page, data.language) is None:
            raise ContentError("page", _("This page already exists in this language; edit it "
                                         "instead."))


def _page_slug(page: str, language: str) -> str | None:
    """A page's first version takes its fixed slug, a translation ``<slug>-<language>``."""
    base = db.session.scalar(select(ContentItem).where(ContentItem.kind == "page",
                                                       ContentItem.slug == page))
    if base is None:
        return page
    taken = db.session.scalar(select(ContentItem.id).where(
        ContentItem.kind == "page", ContentItem.slug == f"{page}-{language}"))
    return None if base.language == language or taken else f"{page}-{language}"


def _unique_slug(kind: str, title: str) -> str:
    base = slugify(title)[:150] if any(char.isalnum() for char in title) else kind
    candidate, number = base, 2
    while db.session.scalar(select(ContentItem.id).where(ContentItem.kind == kind,
                                                         ContentItem.slug == candidate)):
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _translation_key(data: ContentData, kind: str) -> str | None:
    """Join the translated item's group (creating the group's key when it has none)."""
    other_id = data.translation_of
    if kind == "page" and data.page and other_id is None:
        other_id = db.session.scalar(select(ContentItem.id).where(
            ContentItem.kind == "page", ContentItem.slug == data.page))
    other = db.session.get(ContentItem, other_id) if other_id else None
    if other is None:
        return None
    if other.translation_key is None:
        other.translation_key = str(uuid.uuid4())
    return other.translation_key


def _columns(kind: str, data: ContentData) -> dict[str, object]:
    values: dict[str, object] = {
        "title": data.title.strip()[:255], "summary": data.summary.strip(),
        "body_html": sanitize_html(data.body_html), "language": data.language,
        "country_code": None if kind == "page" else data.country_code,
        "document_type": data.document_type if kind == "publication" else None,
        "featured": data.featured, "publish_at": data.publish_at,
        "expires_at": data.expires_at, "cover_alt": data.cover_alt.strip()[:255],
        "translation_key": _translation_key(data, kind), "updated_at": utcnow(),
    }
    if data.cover_image or data.remove_cover:
        values["cover_image"] = data.cover_image
    return values


def _set_relations(item: ContentItem, data: ContentData) -> None:
    item.themes = list(db.session.scalars(select(Term).where(Term.id.in_(data.themes))))
    item.organisations = list(db.session.scalars(
        select(Organisation).where(Organisation.id.in_(data.organisations))))


def _revision(item_id: int, version: int, values: dict[str, object], user: User,
              refused: bool = False) -> Revision:
    revision = Revision(item_id=item_id, version=version, title=values["title"],
                        summary=values["summary"], body_html=values["body_html"],
                        refused=refused, saved_by_id=user.id)
    db.session.add(revision)
    return revision


def create_item(kind: str, data: ContentData, user: User) -> ContentItem:
    """A new draft, version 1, with its first revision."""
    check(kind, data)
    values = _columns(kind, data)
    slug = _page_slug(data.page or "", data.language) if kind == "page" else None
    item = ContentItem(kind=kind, slug=slug or _unique_slug(kind, data.title), status="draft",
                       version=1, author_id=user.id, **values)
    _set_relations(item, data)
    db.session.add(item)
    db.session.flush()
    _revision(item.id, 1, values, user)
    record(user.id, "content.created", "content", item.id, version=1)
    db.session.commit()
    emit(Event("content.saved", user.id, {"item_id": item.id}))
    return item


def _store_version(item: ContentItem, values: dict[str, object], user: User, expected: int,
                   action: str, **detail: object) -> int:
    """The one conditional UPDATE: it wins only if nobody saved since ``expected``."""
    item_id = item.id
    # The ORM answers an UPDATE with a CursorResult; its type says only Result.
    result = cast(CursorResult[Any], db.session.execute(
        update(ContentItem)
        .where(ContentItem.id == item_id, ContentItem.version == expected)
        .values(**values, version=ContentItem.version + 1)
        .execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        refused = _revision(item_id, expected, values, user, refused=True)
        record(user.id, "content.save_refused", "content", item_id, version=expected)
        db.session.commit()
        db.session.expire_all()
        raise StaleVersion(refused.id)
    _revision(item_id, expected + 1, values, user)
    record(user.id, action, "content", item_id, version=expected + 1, **detail)
    return expected + 1


def save_item(item: ContentItem, data: ContentData, user: User, expected_version: int) -> int:
    """Save the editor's text as the next version; raises ``StaleVersion`` when it is stale."""
    check(item.kind, data, item.id)
    version = _store_version(item, _columns(item.kind, data), user, expected_version,
                             "content.saved")
    _set_relations(item, data)
    db.session.commit()
    db.session.expire_all()
    emit(Event("content.saved", user.id, {"item_id": item.id}))
    return version


def restore_revision(item: ContentItem, revision: Revision, user: User,
                     expected_version: int) -> int:
    """Bring back an earlier (or refused) text as a new version."""
    values = {"title": revision.title, "summary": revision.summary,
              "body_html": sanitize_html(revision.body_html), "updated_at": utcnow()}
    version = _store_version(item, values, user, expected_version, "content.restored",
                             restored=revision.version, refused=revision.refused)
    db.session.commit()
    db.session.expire_all()
    emit(Event("content.saved", user.id, {"item_id": item.id}))
    return version


# -- one item ---------------------------------------------------------------------------------


def is_live(item: ContentItem) -> bool:
    return db.session.scalar(select(ContentItem.id).where(
        ContentItem.id == item.id, ContentItem.live(utcnow()))) is not None


def find(kind: str, slug: str) -> ContentItem | None:
    return db.session.scalar(select(ContentItem).where(ContentItem.kind == kind,
                                                       ContentItem.slug == slug))



# -- workflow ---------------------------------------------------------------------------------


def apply_action(item: ContentItem, action: str, user: User) -> str:
    """Move ``item`` along the workflow; returns the new status. One conditional UPDATE."""
    transition = TRANSITIONS.get(action)
    if transition is None or not may_act(user, item, action):
        raise NotAllowed(action)
    now = utcnow()
    values: dict[str, object] = {"status": transition.target, "updated_at": now}
    if action == "publish":
        values["publish_at"] = func.coalesce(ContentItem.publish_at, now)
    item_id = item.id
    result = cast(CursorResult[Any], db.session.execute(
        update(ContentItem)
        .where(ContentItem.id == item_id, ContentItem.status.in_(transition.sources))
        .values(**values).execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        db.session.rollback()
        raise WrongStatus(action)
    record(user.id, f"content.{action}", "content", item_id, status=transition.target)
    db.session.commit()
    db.session.expire_all()
    if action == "submit":
        notify_reviewers(item, user)
    emit(Event(f"content.{action}", user.id, {"item_id": item_id}))
    return transition.target


def reviewers_of(item: ContentItem) -> list[User]:
    """Active accounts that may publish ``item``: editors of its country, unscoped ones, admins."""
    roles = permissions()["pages.edit" if item.kind == "page" else "content.publish"].roles
    candidates = db.session.scalars(select(User).where(
        User.status == "active",
        User.roles.any(RoleAssignment.role.in_((*roles, "admin")))))
    return [user for user in candidates if may_review(user, item)]


def notify_reviewers(item: ContentItem, submitter: User) -> None:
    link = url_for("content.edit", item_id=item.id, _external=True)
    for reviewer in reviewers_of(item):
        if reviewer.id != submitter.id:
            send_mail(reviewer.email, "content_submitted", reviewer.language, item=item,
                      submitter=submitter, reviewer=reviewer, link=link)
