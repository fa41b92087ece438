"""Rules of the content and library API: what a caller may list, and what a write must contain.

Reads start from the public read-side queries (live content only; ``visible_documents`` for the
library). Writes are checked here field by field so that every mistake comes back as a message
attached to the field, never as a server error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import raiseload
from werkzeug.datastructures import FileStorage, MultiDict

from crpm_cms.content import services as content
from crpm_cms.content.models import BODY_LENGTH, SUMMARY_LENGTH, TITLE_LENGTH, ContentItem
from crpm_cms.content.queries import published
from crpm_cms.content.services import ContentData
from crpm_cms.extensions import db
from crpm_cms.forms import single_line
from crpm_cms.library import services as library
from crpm_cms.library.models import LibraryDocument
from crpm_cms.library.queries import visible_documents
from crpm_cms.pagination import (
    InvalidRequest,
    Page,
    page_arguments,
    page_of,
    whole_number,
    whole_number_in,
)
from crpm_cms.taxonomies.models import Country, Term
from crpm_cms.taxonomies.services import THEME_VOCABULARIES
from crpm_cms.users.models import User

KIND_FILTERS = {"news": ("language", "country", "theme"),
                "publication": ("language", "country", "theme", "type")}
DOCUMENT_FILTERS = ("language", "country", "theme", "type", "year")
API_NAMES = {"document_type": "type"}  # the library's field names, as the API calls them


# -- reading --------------------------------------------------------------------------------------


def live_content(kind: str, args: Mapping[str, str]) -> Page:
    """A page of live items of ``kind``, newest first, filtered by the query arguments."""
    page, per_page = page_arguments(args)
    query = published(kind).options(raiseload(ContentItem.organisations))
    values = {name: args.get(name) for name in KIND_FILTERS[kind] if args.get(name)}
    if "language" in values:
        query = query.where(ContentItem.language == values["language"])
    if "country" in values:
        query = query.where(ContentItem.country_code == values["country"])
    if "theme" in values:
        query = query.where(ContentItem.themes.any(Term.code == values["theme"]))
    if "type" in values:
        query = query.where(ContentItem.document_type == values["type"])
    query = query.order_by(ContentItem.publish_at.desc(), ContentItem.id.desc())
    return page_of(query, page, per_page)


def visible_content(user: User | None, kind: str, slug: str) -> ContentItem | None:
    """A live item; or, for its editors and reviewers, the item in any state (a new draft)."""
    item = content.find(kind, slug)
    if item is None or not (content.is_live(item) or content.may_preview(user, item)):
        return None
    return item


def documents(user: User | None, args: Mapping[str, str]) -> Page:
    """A page of the documents this caller may see, newest first, filtered."""
    page, per_page = page_arguments(args)
    year = whole_number(args, "year", None, 1000, 9999)
    query = visible_documents(user)
    values = {name: args.get(name) for name in DOCUMENT_FILTERS if args.get(name)}
    if "language" in values:
        query = query.where(LibraryDocument.language == values["language"])
    if "country" in values:
        query = query.where(LibraryDocument.countries.any(Country.code == values["country"]))
    if "theme" in values:
        query = query.where(LibraryDocument.themes.any(Term.code == values["theme"]))
    if "type" in values:
        query = query.where(LibraryDocument.document_type == values["type"])
    if year is not None:
        query = query.where(LibraryDocument.year == year)
    query = query.order_by(LibraryDocument.created_at.desc(), LibraryDocument.id.desc())
    return page_of(query, page, per_page)


def visible_document(user: User | None, slug: str) -> LibraryDocument | None:
    return db.session.scalar(visible_documents(user).where(LibraryDocument.slug == slug))


def translations(base: Select, model: Any, records: list[Any]) -> dict[int, list[Any]]:
    """For each record, the other records of ``base`` sharing its translation key (one query)."""
    keys = {record.translation_key for record in records if record.translation_key}
    if not keys:
        return {}
    siblings: dict[str, list[Any]] = {}
    for other in db.session.scalars(base.where(model.translation_key.in_(keys))
                                    .options(raiseload("*"))):
        siblings.setdefault(other.translation_key, []).append(other)
    return {record.id: [other for other in siblings.get(record.translation_key or "", [])
                        if other.id != record.id] for record in records}


# -- writing --------------------------------------------------------------------------------------


def _text(payload: Mapping[str, Any], name: str, errors: dict[str, str], required: bool = False,
          limit: int | None = None, one_line: bool = False) -> str:
    """A text field of a JSON body: stripped, on one line if ``one_line`` (as the same field
    of the form), and checked."""
    value = payload.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = _("Must be text.")
        return ""
    value = (single_line(value) if one_line else value).strip()
    if required and not value:
        errors[name] = _("This field is required.")
    elif limit is not None and len(value) > limit:
        errors[name] = _("At most %(count)d characters.", count=limit)
    return value


def check_language(value: Any, errors: dict[str, str], name: str = "language") -> str:
    languages = current_app.config["LANGUAGES"]
    if value in (None, ""):
        return current_app.config["DEFAULT_LANGUAGE"]
    if value not in languages:
        errors[name] = _("Choose one of: %(choices)s.", choices=", ".join(languages))
    return str(value)


def check_countries(codes: list[Any], errors: dict[str, str], name: str) -> list[str]:
    if not all(isinstance(code, str) for code in codes):
        errors[name] = _("Give country codes such as SN.")
        return []
    known = set(db.session.scalars(select(Country.code).where(Country.code.in_(codes))))
    unknown = [code for code in codes if code not in known]
    if unknown:
        errors[name] = _("Unknown country: %(codes)s.", codes=", ".join(unknown))
    return [code for code in codes if code in known]


def check_themes(codes: Any, errors: dict[str, str], name: str = "themes") -> list[Term]:
    if codes in (None, ""):
        return []
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        errors[name] = _("Give a list of theme codes.")
        return []
    found = {term.code: term for term in db.session.scalars(
        select(Term).where(Term.vocabulary.in_(THEME_VOCABULARIES), Term.code.in_(codes)))}
    unknown = [code for code in codes if code not in found]
    if unknown:
        errors[name] = _("Unknown theme: %(codes)s.", codes=", ".join(unknown))
    return [found[code] for code in dict.fromkeys(codes) if code in found]


def check_document_type(value: Any, errors: dict[str, str], name: str = "type") -> str | None:
    if value in (None, ""):
        errors[name] = _("This field is required.")
        return None
    exists = isinstance(value, str) and db.session.scalar(select(Term.id).where(
        Term.vocabulary == "document_type", Term.code == value))
    if not exists:
        errors[name] = _("Unknown document type.")
        return None
    return str(value)


def content_payload(kind: str, payload: Any) -> ContentData:
    """Check a JSON body for a new news item or publication; InvalidRequest lists what is wrong."""
    if not isinstance(payload, dict):
        raise InvalidRequest(_("Send a JSON object."))
    errors: dict[str, str] = {}
    title = _text(payload, "title", errors, required=True, limit=TITLE_LENGTH, one_line=True)
    summary = _text(payload, "summary", errors, limit=SUMMARY_LENGTH)
    body_html = _text(payload, "body_html", errors, limit=BODY_LENGTH)
    language = check_language(payload.get("language"), errors)
    country = payload.get("country") or None
    if country is not None:
        checked = check_countries([country], errors, "country")
        country = checked[0] if checked else None
    themes = check_themes(payload.get("themes"), errors)
    document_type = (check_document_type(payload.get("type"), errors)
                     if kind == "publication" else None)
    if errors:
        raise InvalidRequest(_("Some fields are not valid."), errors)
    return ContentData(title=title, summary=summary, body_html=body_html, language=language,
                       country_code=country, document_type=document_type,
                       themes=[term.id for term in themes])


def may_write_for(user: User, kind: str, country: str | None) -> bool:
    """The content rules' own answer for a new item of ``kind`` in ``country``."""
    return content.may_create(user, kind) and content.may_write(
        user, ContentItem(kind=kind, country_code=country))


def create_draft(kind: str, data: ContentData, actor: User) -> ContentItem:
    """A new draft through the content rules (the body is sanitised there, a revision kept)."""
    try:
        return content.create_item(kind, data, actor)
    except content.ContentError as error:
        db.session.rollback()
        raise InvalidRequest(_("Some fields are not valid."), {error.field: str(error)}) from None


def split_codes(values: list[str]) -> list[str]:
    """Form values given repeated (``countries=SN&countries=CI``) or as ``SN;CI``."""
    return [code.strip() for value in values for code in value.replace(",", ";").split(";")
            if code.strip()]


def year(value: str | None, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    number = whole_number_in(value, 1, 9999)
    if number is None:
        errors["year"] = _("Give a year such as 2024.")
    return number


def document_data(form: MultiDict[str, str]) -> library.DocumentData:
    """Metadata of an uploaded document from multipart fields, checked by the library's rules."""
    errors: dict[str, str] = {}
    data = library.DocumentData(
        title=single_line(form.get("title", "")), summary=form.get("summary", ""),
        document_type=form.get("type", ""),
        language=form.get("language") or current_app.config["DEFAULT_LANGUAGE"],
        year=year(form.get("year"), errors), access=form.get("access") or "public",
        countries=split_codes(form.getlist("countries")),
        themes=split_codes(form.getlist("themes")))
    for name, message in library.data_problems(data):
        errors.setdefault(API_NAMES.get(name, name), message)
    if errors:
        raise InvalidRequest(_("Some fields are not valid."), errors)
    return data


def add_document(upload: FileStorage | None, form: MultiDict[str, str],
                 actor: User) -> LibraryDocument:
    """A new library document from an API upload; a refused file is a 400, nothing stored."""
    data = document_data(form)
    if upload is None:
        message = _("Choose a file to upload.")
        raise InvalidRequest(message, {"file": message})
    try:
        return library.add_document(upload, data, actor)
    except library.UploadRejected as error:
        db.session.rollback()
        raise InvalidRequest(str(error), {"file": str(error)}) from None
