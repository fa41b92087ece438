"""Rules for the library: adding a document (checked by content, stored under a generated name,
its text read), editing and deleting it, listing with filters, counting downloads."""

from __future__ import annotations

import hashlib
import secrets
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from crpm_cms.audit import services as audit
from crpm_cms.events import emit
from crpm_cms.extensions import db
from crpm_cms.hookspecs import Event
from crpm_cms.library.extraction import extract_text
from crpm_cms.library.models import ACCESS_LEVELS, LibraryDocument
from crpm_cms.library.queries import visible_documents
from crpm_cms.library.validation import (
    KINDS,
    FileKind,
    UploadRejected,
    clean_name,
    detect_kind,
    max_upload,
    too_large_message,
)
from crpm_cms.organisations.models import Organisation
from crpm_cms.organisations.services import slugify
from crpm_cms.permissions import can
from crpm_cms.taxonomies.models import Country, Term
from crpm_cms.taxonomies.services import THEME_VOCABULARIES, terms
from crpm_cms.timezones import utcnow
from crpm_cms.uploads import upload_folder
from crpm_cms.users.models import User
from crpm_cms.versions import saving

__all__ = ["DocumentData", "DuplicateDocument", "LibraryFilters", "UploadRejected",
           "add_document", "get_visible", "search"]

PAGE_SIZE = 20
FOLDER = "library"  # instance/uploads/library
CHUNK = 1024 * 1024
FIRST_YEAR = 1900
RESERVED_SLUGS = {"new"}  # /library/new is the upload page
NOT_LIBRARY_TYPES = {"news"}  # news items are content, not library documents


class DuplicateDocument(UploadRejected):
    """The same file (same SHA-256) is already in the library, as ``existing``."""

    def __init__(self, existing: LibraryDocument) -> None:
        super().__init__(_("This file is already in the library: “%(title)s”.",
                           title=existing.title))
        self.existing = existing


@dataclass
class DocumentData:
    """What a form, the API or an import gives to ``add_document`` and ``update_document``."""

    title: str
    summary: str
    document_type: str
    language: str
    year: int | None
    access: str
    countries: list[str]
    themes: list[str]  # term codes of the theme and gcm_objective vocabularies
    organisations: list[int] = field(default_factory=list)
    translation_of: int | None = None  # id of the same document in another language
    published: bool = True


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryFilters:
    document_type: str | None = None
    country: str | None = None
    theme: str | None = None  # term code
    year: int | None = None
    language: str | None = None
    q: str | None = None  # words of the title


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["DEFAULT_LANGUAGE"]


def search(user: User | None, filters: LibraryFilters, page: int) -> Pagination:
    """Documents ``user`` may see that match ``filters``; the visitor's language first."""
    query = visible_documents(user)
    if filters.document_type:
        query = query.where(LibraryDocument.document_type == filters.document_type)
    if filters.country:
        query = query.where(LibraryDocument.countries.any(Country.code == filters.country))
    if filters.theme:
        query = query.where(LibraryDocument.themes.any(
            (Term.code == filters.theme) & Term.vocabulary.in_(THEME_VOCABULARIES)))
    if filters.year:
        query = query.where(LibraryDocument.year == filters.year)
    if filters.language:
        query = query.where(LibraryDocument.language == filters.language)
    if filters.q:
        query = query.where(LibraryDocument.title.icontains(filters.q.strip()[:100],
                                                            autoescape=True))
    query = query.order_by(case((LibraryDocument.language == current_language(), 0), else_=1),
                           LibraryDocument.created_at.desc(), LibraryDocument.id.desc())
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def available_years(user: User | None) -> list[int]:
    """Years of the documents ``user`` may see, newest first (for the year filter)."""
    query = (visible_documents(user).with_only_columns(LibraryDocument.year).distinct()
             .where(LibraryDocument.year.is_not(None)).order_by(LibraryDocument.year.desc()))
    return list(db.session.scalars(query))


def get_visible(user: User | None, slug: str) -> LibraryDocument | None:
    return db.session.scalar(visible_documents(user).where(LibraryDocument.slug == slug))


def get_manageable(user: User | None, slug: str) -> LibraryDocument | None:
    """Any document, published or not, for those who add documents to the library."""
    if not can(user, "library.upload"):
        return None
    return db.session.scalar(select(LibraryDocument).where(LibraryDocument.slug == slug))


def can_edit(user: User | None, document: LibraryDocument) -> bool:
    """Admins, and the person who uploaded it while they may still upload."""
    if can(user, "admin.access"):
        return True
    return bool(can(user, "library.upload") and user is not None
                and document.uploaded_by_id == user.id)


def translations(user: User | None, document: LibraryDocument) -> list[LibraryDocument]:
    """The same document in other languages, among those ``user`` may see."""
    if not document.translation_key:
        return []
    return list(db.session.scalars(visible_documents(user).where(
        LibraryDocument.translation_key == document.translation_key,
        LibraryDocument.id != document.id).order_by(LibraryDocument.language)))


def linked_translation(document: LibraryDocument) -> LibraryDocument | None:
    """One other document sharing its translation key, published or not (for the editor)."""
    if not document.translation_key:
        return None
    return db.session.scalar(select(LibraryDocument).where(
        LibraryDocument.translation_key == document.translation_key,
        LibraryDocument.id != document.id).order_by(LibraryDocument.id).limit(1))


def file_kind(document: LibraryDocument) -> FileKind:
    extension = Path(document.file_name).suffix
    return next(kind for kind in KINDS.values() if kind.extension == extension)


def file_path(document: LibraryDocument) -> Path:
    return upload_folder(FOLDER) / Path(document.file_name).name


def record_download(document_id: int) -> None:
    """One more download, counted by the database itself so concurrent downloads all count."""
    db.session.execute(update(LibraryDocument).where(LibraryDocument.id == document_id)
                       .values(download_count=LibraryDocument.download_count + 1))
    db.session.commit()


def document_types() -> list[Term]:
    return [term for term in terms("document_type") if term.code not in NOT_LIBRARY_TYPES]


# -- checking what is given ----------------------------------------------------------------------


def data_problems(data: DocumentData) -> list[tuple[str, str]]:
    """``(field, message)`` for every value of ``data`` that cannot be saved."""
    problems = []
    if not data.title.strip():
        problems.append(("title", _("A title is required.")))
    elif len(data.title.strip()) > 255:
        problems.append(("title", _("The title is longer than 255 characters.")))
    if data.document_type not in {term.code for term in document_types()}:
        problems.append(("document_type", _("Unknown document type “%(code)s”.",
                                            code=data.document_type)))
    languages = current_app.config["LANGUAGES"]
    if data.language not in languages:
        problems.append(("language", _("Unknown language “%(code)s”; use one of: %(codes)s.",
                                       code=data.language, codes=", ".join(languages))))
    last_year = date.today().year + 1
    if data.year is not None and not FIRST_YEAR <= data.year <= last_year:
        problems.append(("year", _("The year must be between %(first)s and %(last)s.",
                                   first=FIRST_YEAR, last=last_year)))
    if data.access not in ACCESS_LEVELS:
        problems.append(("access", _("Access must be “public” or “members”, not “%(value)s”.",
                                     value=data.access)))
    return problems + unknown_references(data)


def unknown_references(data: DocumentData) -> list[tuple[str, str]]:
    """Country codes, theme codes, organisations and translation that do not exist."""
    problems = []
    known = set(db.session.scalars(select(Country.code).where(Country.code.in_(data.countries))))
    if missing := [code for code in data.countries if code not in known]:
        problems.append(("countries", _("Unknown country code(s): %(codes)s.",
                                        codes=", ".join(missing))))
    known = {term.code for term in theme_terms(data.themes)}
    if missing := [code for code in data.themes if code not in known]:
        problems.append(("themes", _("Unknown theme code(s): %(codes)s.",
                                     codes=", ".join(missing))))
    found = set(db.session.scalars(select(Organisation.id)
                                   .where(Organisation.id.in_(data.organisations))))
    if set(data.organisations) - found:
        problems.append(("organisations", _("An organisation chosen no longer exists.")))
    if (data.translation_of is not None
            and db.session.get(LibraryDocument, data.translation_of) is None):
        problems.append(("translation_of", _("The translated document no longer exists.")))
    return problems


def theme_terms(codes: list[str]) -> list[Term]:
    return list(db.session.scalars(select(Term).where(
        Term.vocabulary.in_(THEME_VOCABULARIES), Term.code.in_(codes))))


def reject_bad_data(data: DocumentData) -> None:
    problems = data_problems(data)
    if problems:
        raise UploadRejected(problems[0][1])


# -- changing ------------------------------------------------------------------------------------


def actor_id(actor: User | None) -> int | None:
    return actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None


def unique_slug(title: str, document_id: int | None = None) -> str:
    base = slugify(title)
    if base == slugify(""):  # nothing latin in the title (Arabic, say): slugify's fallback
        base = "document"
    candidate, number = base, 2
    while True:
        clash = db.session.scalar(select(LibraryDocument.id)
                                  .where(LibraryDocument.slug == candidate))
        if candidate not in RESERVED_SLUGS and (clash is None or clash == document_id):
            return candidate
        candidate, number = f"{base}-{number}", number + 1


def apply(document: LibraryDocument, data: DocumentData) -> None:
    """Copy the metadata of ``data`` onto ``document`` (not yet committed)."""
    document.title = data.title.strip()
    document.summary = data.summary.strip()
    document.document_type = data.document_type
    document.language = data.language
    document.year = data.year
    document.access = data.access
    document.published = data.published
    document.countries = list(db.session.scalars(
        select(Country).where(Country.code.in_(data.countries))))
    document.themes = theme_terms(data.themes)
    document.organisations = list(db.session.scalars(
        select(Organisation).where(Organisation.id.in_(data.organisations))))
    document.updated_at = utcnow()
    link_translation(document, data.translation_of)


def link_translation(document: LibraryDocument, other_id: int | None) -> None:
    """Give ``document`` the translation key of ``other_id`` (creating it), or none."""
    other = db.session.get(LibraryDocument, other_id) if other_id is not None else None
    if other is None or other is document:
        document.translation_key = None
        return
    if not other.translation_key:
        other.translation_key = str(uuid.uuid4())
    document.translation_key = other.translation_key


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def receive(upload: FileStorage, folder: Path) -> Path:
    """Copy the upload into a hidden file of the library folder, stopping past the size limit."""
    limit = max_upload()
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix=".partial-", delete=False)  # noqa: SIM115
    path = Path(handle.name)
    try:
        with handle:
            size = 0
            while chunk := upload.stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadRejected(too_large_message())
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def add_document(upload: FileStorage, data: DocumentData, actor: User | None, *,
                 commit: bool = True) -> LibraryDocument:
    """Check, store and describe an uploaded file; nothing at all is kept when it is refused.

    With ``commit=False`` the caller commits (see ``commit_added``) or rolls back and calls
    ``remove_file`` for each document, as the bulk import does to stay all or nothing.
    """
    reject_bad_data(data)
    original = clean_name(upload.filename)
    folder = upload_folder(FOLDER)
    partial = receive(upload, folder)
    try:
        document = store(partial, original, data, actor)
    finally:
        partial.unlink(missing_ok=True)
    if commit:
        commit_added([document], actor)
    return document


def store(partial: Path, original: str, data: DocumentData,
          actor: User | None) -> LibraryDocument:
    """Type, duplicate check and text of a received file, then its row and its final name."""
    kind = detect_kind(partial)
    digest = file_digest(partial)
    existing = db.session.scalar(select(LibraryDocument).where(LibraryDocument.sha256 == digest))
    if existing is not None:
        raise DuplicateDocument(existing)
    text, status = extract_text(partial, kind.code)
    document = LibraryDocument(
        file_name=f"{secrets.token_hex(16)}{kind.extension}", original_name=original,
        media_type=kind.media_type, size=partial.stat().st_size, sha256=digest, text=text,
        text_status=status, uploaded_by_id=actor_id(actor), slug=unique_slug(data.title))
    apply(document, data)
    db.session.add(document)
    try:
        db.session.flush()
    except IntegrityError:  # the same file or address saved by someone else meanwhile
        db.session.rollback()
        raise UploadRejected(saved_meanwhile_message()) from None
    audit.record(actor_id(actor), "library.added", "library_document", document.id,
                 title=document.title)
    partial.replace(partial.parent / document.file_name)
    return document


def commit_added(documents: list[LibraryDocument], actor: User | None) -> None:
    """Commit new documents; if the database refuses (a duplicate saved meanwhile), their files
    go too."""
    names = [document.file_name for document in documents]
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        for name in names:
            remove_file(name)
        raise UploadRejected(saved_meanwhile_message()) from None
    for document in documents:
        emit(Event("library.document_saved", actor_id(actor), {"document_id": document.id}))


def saved_meanwhile_message() -> str:
    return _("The same file or title was saved by someone else at the same moment. Please "
             "check the library and try again.")


def remove_file(name: str) -> None:
    (upload_folder(FOLDER) / Path(name).name).unlink(missing_ok=True)


def update_document(document: LibraryDocument, data: DocumentData, actor: User | None,
                    seen_version: int | None = None) -> LibraryDocument:
    """Change a document's metadata (its file and address stay); ``StaleRecord`` when someone
    saved it since ``seen_version``."""
    reject_bad_data(data)
    with saving(document, seen_version):
        apply(document, data)
        audit.record(actor_id(actor), "library.edited", "library_document", document.id,
                     title=document.title)
        db.session.commit()
    emit(Event("library.document_saved", actor_id(actor), {"document_id": document.id}))
    return document


def delete_document(document: LibraryDocument, actor: User | None) -> None:
    """Delete the row, then the file (a file without a row would be unreachable anyway)."""
    document_id, name, title = document.id, document.file_name, document.title
    db.session.delete(document)
    audit.record(actor_id(actor), "library.deleted", "library_document", document_id,
                 title=title)
    db.session.commit()
    remove_file(name)
    emit(Event("library.document_deleted", actor_id(actor), {"document_id": document_id}))

