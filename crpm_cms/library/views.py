"""The document library: list with filters, document pages, downloads, upload, edit, delete."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from crpm_cms.exports import content_disposition
from crpm_cms.extensions import db
from crpm_cms.i18n import LANGUAGE_NAMES
from crpm_cms.library import services
from crpm_cms.library.forms import DeleteForm, DocumentForm, FilterForm, UploadForm
from crpm_cms.library.models import LibraryDocument
from crpm_cms.library.validation import download_name, format_size
from crpm_cms.organisations.models import Organisation
from crpm_cms.pagination import page_number, whole_number_in
from crpm_cms.permissions import can, require
from crpm_cms.taxonomies.services import countries, theme_choices
from crpm_cms.versions import StaleRecord, changes, seen_version

blueprint = Blueprint("library", __name__, url_prefix="/library")

TEXT_NOTICES = {
    "no_text": _l("No text could be read from this file (a scanned document?), so full-text "
                 "search will not find it. Upload a version with text if you have one."),
    "failed": _l("The text of this file could not be read (a damaged or unusual file), so "
                "full-text search will not find it."),
}


def type_labels() -> dict[str, str]:
    return {term.code: term.label for term in services.document_types()}


def language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]]


# -- list and pages -----------------------------------------------------------------------------


def filters_from(form: FilterForm) -> services.LibraryFilters:
    year = form.year.data or ""
    return services.LibraryFilters(
        document_type=form.type.data or None, country=form.country.data or None,
        theme=form.theme.data or None, year=whole_number_in(year, 1, 9999),
        language=form.language.data or None, q=(form.q.data or "").strip()[:100] or None)


@blueprint.get("/")
def index() -> ResponseReturnValue:
    form = FilterForm(formdata=request.args)
    labels = type_labels()
    form.type.choices = [("", _("All types")), *labels.items()]
    form.country.choices = [("", _("All countries"))] + [(c.code, c.name) for c in countries()]
    # The None group holds options outside any <optgroup>: WTForms takes it, its stubs do not.
    form.theme.choices = ({None: [("", _("All themes"))]}  # type: ignore[assignment]
                          | theme_choices(lambda t: t.code))
    form.year.choices = [("", _("All years"))] + [
        (str(year), str(year)) for year in services.available_years(current_user)]
    form.language.choices = [("", _("All languages")), *language_choices()]
    filters = filters_from(form)
    pagination = services.search(current_user, filters, page_number())
    return render_template("library/index.html", form=form, pagination=pagination,
                           type_labels=labels, filtered=any(vars(filters).values()))


def get_or_404(slug: str) -> LibraryDocument:
    """A document this visitor may see; unpublished ones only for those who upload."""
    document = (services.get_visible(current_user, slug)
                or services.get_manageable(current_user, slug))
    if document is None:
        abort(404)
    return document


@blueprint.get("/<slug>")
def detail(slug: str) -> ResponseReturnValue:
    document = get_or_404(slug)
    notice = None
    if can(current_user, "library.upload"):
        notice = TEXT_NOTICES.get(document.text_status)
    return render_template(
        "library/detail.html", document=document, notice=notice,
        type_label=type_labels().get(document.document_type, document.document_type),
        kind=services.file_kind(document), size=format_size(document.size),
        translations=services.translations(current_user, document),
        can_edit=services.can_edit(current_user, document))


@blueprint.get("/<slug>/download")
def download(slug: str) -> ResponseReturnValue:
    document = get_or_404(slug)
    path = services.file_path(document)
    if not path.is_file():
        current_app.logger.error("Library file missing: %s (%s)", path, document.slug)
        abort(404)
    # A HEAD request, a resumed download or a cache's revalidation is not a new download.
    if request.method == "GET" and not any(
            name in request.headers for name in ("Range", "If-None-Match", "If-Modified-Since")):
        services.record_download(document.id)
    response = send_file(path, mimetype=document.media_type, conditional=True,
                         max_age=0 if document.access == "members" else 3600)
    response.headers["Content-Disposition"] = content_disposition(
        download_name(document.original_name, services.file_kind(document)))
    response.headers["Content-Type"] = document.media_type  # as stored, charset included
    response.headers["X-Content-Type-Options"] = "nosniff"
    if document.access == "members":
        response.cache_control.private = True
    return response


# -- upload, edit, delete -----------------------------------------------------------------------


def with_choices(form: DocumentForm) -> DocumentForm:
    form.document_type.choices = list(type_labels().items())
    form.language.choices = language_choices()
    form.countries.choices = [(c.code, c.name) for c in countries()]
    form.themes.choices = theme_choices(lambda t: t.code)
    form.organisations.choices = [(id_, name) for id_, name in db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name))]
    if not form.is_submitted() and not form.language.data:
        form.language.data = services.current_language()
    return form


def translation_target(form: DocumentForm, document: LibraryDocument | None) -> int | None:
    """The document named in "Translation of" (its address or slug), or an error on the field."""
    given = (form.translation_of.data or "").strip().rstrip("/")
    if not given:
        return None
    slug = given.split("/library/")[-1].split("?")[0].split("/")[0]
    other = services.get_manageable(current_user, slug)
    if other is None or other is document:
        form.translation_of.errors = [*form.translation_of.errors,
                                      _("No other document of the library has this address.")]
        return None
    return other.id


def data_from(form: DocumentForm, translation_of: int | None) -> services.DocumentData:
    return services.DocumentData(
        title=form.title.data or "", summary=form.summary.data or "",
        document_type=form.document_type.data, language=form.language.data,
        year=form.year.data, access=form.access.data, countries=form.countries.data or [],
        themes=form.themes.data or [], organisations=form.organisations.data or [],
        translation_of=translation_of, published=form.published.data)


def checked_data(form: DocumentForm,
                 document: LibraryDocument | None) -> services.DocumentData | None:
    """The form's data once every field is valid, otherwise ``None`` with errors on fields."""
    if not form.validate_on_submit():
        return None
    translation_of = translation_target(form, document)
    data = data_from(form, translation_of)
    for name, message in services.data_problems(data):
        field = getattr(form, name)
        field.errors = [*field.errors, message]
    return None if form.errors else data


def form_page(form: DocumentForm, document: LibraryDocument | None,
              existing: LibraryDocument | None = None) -> ResponseReturnValue:
    status = 400 if form.is_submitted() else 200
    return render_template("library/edit.html", form=form, document=document,
                           existing=existing,
                           max_size=format_size(current_app.config["LIBRARY_MAX_UPLOAD"])), status


@blueprint.route("/new", methods=["GET", "POST"])
def upload() -> ResponseReturnValue:
    require("library.upload")
    form = with_choices(UploadForm())
    data = checked_data(form, None)
    if data is None:
        return form_page(form, None)
    try:
        document = services.add_document(form.file.data, data, current_user)
    except services.UploadRejected as error:
        form.file.errors = [*form.file.errors, str(error)]
        return form_page(form, None, getattr(error, "existing", None))
    flash(_("The document has been added to the library."), "success")
    if document.text_status in TEXT_NOTICES:
        flash(str(TEXT_NOTICES[document.text_status]), "warning")
    return redirect(url_for("library.detail", slug=document.slug))


def form_values(document: LibraryDocument) -> dict[str, Any]:
    """The form's values for an existing document."""
    return {
        "title": document.title, "summary": document.summary,
        "document_type": document.document_type, "language": document.language,
        "year": document.year, "access": document.access, "published": document.published,
        "countries": [country.code for country in document.countries],
        "themes": [term.code for term in document.themes],
        "organisations": [organisation.id for organisation in document.organisations],
    }


@blueprint.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str) -> ResponseReturnValue:
    require("library.upload")
    document = services.get_manageable(current_user, slug)
    if document is None:
        abort(404)
    if not services.can_edit(current_user, document):
        abort(403)
    form = DocumentForm() if request.method == "POST" else DocumentForm(data={
        **form_values(document), "version": str(document.version)})
    with_choices(form)
    if not form.is_submitted():
        other = services.linked_translation(document)
        form.translation_of.data = other.slug if other else ""
    data = checked_data(form, document)
    if data is None:
        return form_page(form, document)
    try:
        services.update_document(document, data, current_user, seen_version(form.version.data))
    except StaleRecord as stale:
        current = services.get_manageable(current_user, slug)
        assert current is not None
        form.version.data = str(stale.version)  # saving again is a deliberate choice
        return render_template(
            "library/edit.html", form=form, document=current, existing=None,
            max_size=format_size(current_app.config["LIBRARY_MAX_UPLOAD"]),
            changes=changes(form, form_values(current))), 409
    flash(_("The document has been saved."), "success")
    return redirect(url_for("library.detail", slug=document.slug))


@blueprint.route("/<slug>/delete", methods=["GET", "POST"])
def delete(slug: str) -> ResponseReturnValue:
    """GET asks for confirmation; POST deletes the document and its file."""
    require("admin.access")
    document = services.get_manageable(current_user, slug)
    if document is None:
        abort(404)
    form = DeleteForm()
    if form.validate_on_submit():
        title = document.title
        services.delete_document(document, current_user)
        flash(_("The document “%(title)s” has been deleted.", title=title), "success")
        return redirect(url_for("library.index"))
    return render_template("library/delete.html", document=document, form=form)
