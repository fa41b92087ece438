"""Rules for organisations: who may see and change them, listing with filters, saving."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, func, select

from crpm_cms.events import emit
from crpm_cms.extensions import db
from crpm_cms.hookspecs import Event
from crpm_cms.organisations.models import (
    Organisation,
    OrganisationIdentifier,
    organisation_themes,
)
from crpm_cms.permissions import can, countries_for
from crpm_cms.taxonomies.models import Country, Term
from crpm_cms.users.models import User
from crpm_cms.versions import saving

PAGE_SIZE = 20


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:120] or "organisation"


def unique_slug(name: str, organisation_id: int | None = None) -> str:
    base = slugify(name)
    candidate, number = base, 2
    while True:
        clash = db.session.scalar(select(Organisation.id).where(Organisation.slug == candidate))
        if clash is None or clash == organisation_id:
            return candidate
        candidate, number = f"{base}-{number}", number + 1


def visible_to(user: User | None) -> Select[Organisation]:
    query = select(Organisation)
    if not can(user, "members.area"):
        query = query.where(Organisation.visibility == "public")
    return query


@dataclass(frozen=True)
class OrganisationFilters:
    country: str | None = None
    kind: str | None = None
    theme: str | None = None
    q: str | None = None


def filtered(user: User | None, filters: OrganisationFilters,
             conditions: Sequence[ColumnElement[bool]] = ()) -> Select[Organisation]:
    """The organisations ``user`` may see that match ``filters`` and plugins' ``conditions``."""
    query = visible_to(user).where(*conditions)
    if filters.country:
        query = query.where(Organisation.country_code == filters.country)
    if filters.kind:
        query = query.where(Organisation.kind == filters.kind)
    if filters.theme:
        query = query.where(Organisation.themes.any(Term.code == filters.theme))
    if filters.q:
        pattern = f"%{filters.q.strip()[:100]}%"
        query = query.where(Organisation.name.ilike(pattern) | Organisation.acronym.ilike(pattern))
    return query


def search(user: User | None, filters: OrganisationFilters, page: int,
           conditions: Sequence[ColumnElement[bool]] = ()) -> Pagination:
    """A page of the organisations ``user`` may see; ``conditions`` come from plugins' filters."""
    query = filtered(user, filters, conditions).order_by(Organisation.name)
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def get_visible(user: User | None, slug: str) -> Organisation | None:
    return db.session.scalar(visible_to(user).where(Organisation.slug == slug))


def can_edit(user: User | None, organisation: Organisation) -> bool:
    """Editors and focal points of its country, admins, and the organisation's own members."""
    if can(user, "organisations.edit", organisation.country_code):
        return True
    return bool(user and user.is_authenticated and user.is_active
                and user.organisation_id == organisation.id)


@dataclass
class OrganisationData:
    """What a form or an import gives to ``save``."""

    name: str
    kind: str
    country_code: str
    acronym: str | None = None
    description_fr: str = ""
    description_en: str = ""
    website: str | None = None
    email: str | None = None
    visibility: str = "public"
    parent_id: int | None = None
    countries: list[str] = field(default_factory=list)
    themes: list[int] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)


def _apply(organisation: Organisation | None, data: OrganisationData) -> Organisation:
    """Copy ``data`` onto the organisation (a new one if ``None``) in the session; no commit."""
    organisation = organisation or Organisation()
    for name in ("name", "kind", "country_code", "acronym", "description_fr", "description_en",
                 "website", "email", "visibility"):
        setattr(organisation, name, getattr(data, name))
    organisation.parent_id = data.parent_id if data.parent_id != organisation.id else None
    organisation.slug = unique_slug(data.name, organisation.id)
    organisation.countries = list(db.session.scalars(
        select(Country).where(Country.code.in_(data.countries))))
    organisation.themes = list(db.session.scalars(select(Term).where(Term.id.in_(data.themes))))
    wanted = dict.fromkeys((scheme.strip(), value.strip()) for scheme, value in data.identifiers
                           if scheme.strip() and value.strip())
    kept = [i for i in organisation.identifiers if (i.scheme, i.value) in wanted]
    known = {(i.scheme, i.value) for i in kept}
    organisation.identifiers = kept + [OrganisationIdentifier(scheme=s, value=v)
                                       for s, v in wanted if (s, v) not in known]
    db.session.add(organisation)
    return organisation


def save(organisation: Organisation | None, data: OrganisationData,
         actor: User | None, seen_version: int | None = None) -> Organisation:
    """Create or update an organisation in one transaction; ``StaleRecord`` when someone saved
    it since ``seen_version`` (the version the editor started from)."""
    with saving(organisation, seen_version):
        organisation = _apply(organisation, data)
        db.session.commit()
    emit(Event("organisation.saved", actor.id if actor else None,
               {"organisation_id": organisation.id}))
    return organisation


def save_all(changes: Sequence[tuple[Organisation | None, OrganisationData]], actor: User | None,
             before_commit: Callable[[list[Organisation]], None] | None = None,
             ) -> list[Organisation]:
    """Create or update several organisations in one transaction (imports): all or none.

    ``before_commit`` receives the saved organisations, with their ids, so that a plugin can
    write its own rows in the same transaction. Any error rolls everything back and is raised.
    """
    try:
        saved = [_apply(organisation, data) for organisation, data in changes]
        db.session.flush()
        if before_commit is not None:
            before_commit(saved)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for organisation in saved:
        emit(Event("organisation.saved", actor.id if actor else None,
                   {"organisation_id": organisation.id}))
    return saved


def delete(organisation: Organisation, actor: User | None) -> None:
    organisation_id = organisation.id
    db.session.delete(organisation)
    db.session.commit()
    emit(Event("organisation.deleted", actor.id if actor else None,
               {"organisation_id": organisation_id}))


def identifier_owner(scheme: str, value: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).join(OrganisationIdentifier).where(
        OrganisationIdentifier.scheme == scheme, OrganisationIdentifier.value == value))


def identifier_conflicts(pairs: list[tuple[str, str]],
                         organisation_id: int | None) -> set[tuple[str, str]]:
    """The identifiers among ``pairs`` already held by another organisation."""
    conflicts = set()
    for scheme, value in pairs:
        owner = identifier_owner(scheme, value)
        if owner is not None and owner.id != organisation_id:
            conflicts.add((scheme, value))
    return conflicts


def allowed_countries(user: User | None, organisation: Organisation | None) -> set[str] | None:
    """Registration countries ``user`` may choose (``None``: any) when creating or editing.

    A scoped editor or focal point may not move an organisation out of their countries, except
    by keeping the country it already has; its own members keep its country too.
    """
    if organisation is None:
        return countries_for(user, "organisations.create")
    scope = countries_for(user, "organisations.edit")
    return None if scope is None else scope | {organisation.country_code}


def parent_would_loop(organisation: Organisation | None, parent_id: int | None) -> bool:
    """Whether making ``parent_id`` the parent would put ``organisation`` inside itself."""
    if organisation is None or organisation.id is None or not parent_id:
        return False
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        if current == organisation.id:
            return True
        seen.add(current)
        current = db.session.scalar(select(Organisation.parent_id)
                                    .where(Organisation.id == current))
    return False


def member_count(organisation: Organisation) -> int:
    return db.session.scalar(select(func.count()).select_from(User)
                             .where(User.organisation_id == organisation.id,
                                    User.status == "active")) or 0


# -- themes of many organisations at once (lists, exports, statistics) ------------------------


def theme_codes_of(ids: Select[int] | Sequence[int]) -> dict[int, list[str]]:
    """Theme and GCM objective codes of these organisations, by organisation id; one query."""
    found: dict[int, list[str]] = defaultdict(list)
    for organisation_id, code in db.session.execute(
            select(organisation_themes.c.organisation_id, Term.code)
            .join(Term, Term.id == organisation_themes.c.term_id)
            .where(organisation_themes.c.organisation_id.in_(ids))
            .order_by(Term.vocabulary, Term.position)):
        found[organisation_id].append(code)
    return found


def theme_counts(ids: Select[int] | Sequence[int]) -> list[tuple[str, str, int]]:
    """``(vocabulary, code, organisations)`` for the themes these organisations work on, in
    the vocabularies' order; one query."""
    rows = db.session.execute(
        select(Term.vocabulary, Term.code, func.count())
        .join(organisation_themes, organisation_themes.c.term_id == Term.id)
        .where(organisation_themes.c.organisation_id.in_(ids))
        .group_by(Term.vocabulary, Term.code, Term.position).order_by(Term.position))
    return [(vocabulary, code, count) for vocabulary, code, count in rows]
