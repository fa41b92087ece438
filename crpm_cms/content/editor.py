"""HTTP for the editor: dashboard, item form, workflow buttons, revisions and conflicts.

The routes belong to the ``content`` blueprint; the rules they apply live in ``services``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from crpm_cms.audit.services import history
from crpm_cms.content import lookups, services
from crpm_cms.content import revisions as versions
from crpm_cms.content.forms import PAGE_LABELS, ContentForm, RestoreForm
from crpm_cms.content.models import KINDS, ContentItem
from crpm_cms.content.sanitize import sanitize_html
from crpm_cms.content.views import IMAGE_WIDTH, blueprint, document_types, local_time
from crpm_cms.extensions import db
from crpm_cms.organisations.models import Organisation
from crpm_cms.pagination import row_id
from crpm_cms.permissions import can, countries_for, require
from crpm_cms.taxonomies.services import countries, theme_choices
from crpm_cms.timezones import deployment_zone, to_utc
from crpm_cms.uploads import InvalidImage, remove_image, save_image, save_variant

ACTION_LABELS = {"submit": _l("Submit for review"), "publish": _l("Publish"),
                 "unpublish": _l("Unpublish"), "archive": _l("Archive"),
                 "to_draft": _l("Back to draft")}
HISTORY_LABELS = {
    "content.created": _l("Created"), "content.saved": _l("Saved"),
    "content.save_refused": _l("Save refused: the item had changed"),
    "content.restored": _l("Earlier version restored"),
    "content.submit": _l("Submitted for review"), "content.publish": _l("Published"),
    "content.unpublish": _l("Unpublished"), "content.archive": _l("Archived"),
    "content.to_draft": _l("Back to draft"),
}
PAGE_ONLY_FIELDS_REMOVED = ("translation_of", "country", "document_type", "themes",
                            "organisations", "featured", "cover_image", "cover_alt",
                            "remove_cover")
INVALID_IMAGE = _l("This file is not an image we can use (PNG, JPEG, WebP or GIF).")


def signed_in() -> None:
    if not current_user.is_authenticated:
        require("content.write")  # sends to the sign-in page


def writable_item(item_id: int) -> ContentItem:
    signed_in()
    item = db.session.get(ContentItem, item_id)
    if item is None:
        abort(404)
    if not services.may_write(current_user, item):
        abort(403)
    return item


# -- dashboard --------------------------------------------------------------------------------


@blueprint.get("/editor/")
def dashboard() -> ResponseReturnValue:
    signed_in()
    if not services.uses_editor(current_user):
        abort(403)
    pages = lookups.page_items() if can(current_user, "pages.edit") else None
    return render_template("content/dashboard.html", lists=lookups.dashboard(current_user),
                           zone=deployment_zone(),
                           pages=pages, page_labels=PAGE_LABELS,
                           may_write=can(current_user, "content.write"))


# -- the item form ----------------------------------------------------------------------------


def item_data(item: ContentItem) -> dict[str, object]:
    return {
        "version": item.version, "title": item.title, "summary": item.summary,
        "body": item.body_html, "language": item.language,
        "translation_of": lookups.current_translation_of(item) or 0,
        "country": item.country_code or "", "document_type": item.document_type,
        "themes": [term.id for term in item.themes],
        "organisations": [organisation.id for organisation in item.organisations],
        "featured": item.featured, "publish_at": local_time(item.publish_at),
        "expires_at": local_time(item.expires_at), "cover_alt": item.cover_alt,
    }


def build_form(kind: str, item: ContentItem | None, zone: ZoneInfo) -> ContentForm:
    """The form with the fields and choices of this kind; filled from the item on GET."""
    form = ContentForm()
    if not form.is_submitted():
        language = get_locale().language if get_locale() else "fr"
        initial = {"language": language, "page": request.args.get("page")}
        form = ContentForm(data=item_data(item) if item else initial)
    if item is not None or kind != "page":
        del form.page
    if item is None:
        del form.version
    if kind == "page":
        for name in PAGE_ONLY_FIELDS_REMOVED:
            delattr(form, name)
        return form
    if kind == "publication":
        form.document_type.choices = list(document_types().items())
    else:
        del form.document_type
    if item is None or not item.cover_image:
        del form.remove_cover
    form.translation_of.choices = [(0, "—")] + [
        (item_id, f"{title} ({language})")
        for item_id, title, language in lookups.translation_choices(
            kind, item.id if item is not None else None)]
    scope = countries_for(current_user, "content.write")
    every_country = [(country.code, country.name) for country in countries()]
    form.country.choices = ([("", _("No country (regional)")), *every_country] if scope is None
                            else [(code, name) for code, name in every_country if code in scope])
    form.themes.choices = theme_choices(lambda term: term.id)
    form.organisations.choices = [(id_, name) for id_, name in db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name))]
    return form


def optional(form: ContentForm, name: str) -> Any:
    """A field's value, or None when this kind's form has no such field."""
    return form[name].data if name in form else None


def _stored(local: datetime | None, zone: ZoneInfo) -> datetime | None:
    return to_utc(local, zone) if local else None


def data_from(form: ContentForm, zone: ZoneInfo) -> services.ContentData:
    return services.ContentData(
        title=form.title.data or "", summary=form.summary.data or "",
        body_html=form.body.data or "", language=form.language.data,
        country_code=optional(form, "country") or None,
        document_type=optional(form, "document_type"),
        translation_of=optional(form, "translation_of") or None,
        themes=optional(form, "themes") or [],
        organisations=optional(form, "organisations") or [],
        featured=bool(optional(form, "featured")),
        publish_at=_stored(form.publish_at.data, zone),
        expires_at=_stored(form.expires_at.data, zone),
        cover_alt=optional(form, "cover_alt") or "",
        remove_cover=bool(optional(form, "remove_cover")),
        page=optional(form, "page"))


def uploaded(form: ContentForm, name: str) -> FileStorage | None:
    upload = optional(form, name)
    return upload if upload and getattr(upload, "filename", "") else None


def store_upload(form: ContentForm, name: str, stored: list[str]) -> str | None:
    """Check and store one uploaded image; an error on its field when it is not an image."""
    upload = uploaded(form, name)
    if upload is None:
        return None
    try:
        stored.append(save_image(upload, "content", IMAGE_WIDTH))
    except InvalidImage:
        field = form[name]
        field.errors = [*field.errors, INVALID_IMAGE]
        return None
    return stored[-1]


def attach_images(form: ContentForm, data: services.ContentData) -> bool:
    """Store the images sent without JavaScript (one for the text, the cover); False on error."""
    stored: list[str] = []
    image = store_upload(form, "image", stored)
    cover = store_upload(form, "cover_image", stored)
    if form.image.errors or ("cover_image" in form and form.cover_image.errors):
        for name in stored:
            remove_image("content", name)
        return False
    if image:
        figure = Markup('<figure><img src="{}" alt="{}"></figure>').format(
            url_for("content.cover", name=image), (form.image_alt.data or "").strip())
        data.body_html = data.body_html + str(figure)
    if cover:
        data.cover_image = cover
        save_variant("content", cover, 480)
    return True


def add_error(form: ContentForm, error: services.ContentError) -> None:
    field = form._fields.get(error.field) or form.title
    field.errors = [*field.errors, error.message]


def save(form: ContentForm, kind: str, item: ContentItem | None,
         zone: ZoneInfo) -> ResponseReturnValue | None:
    """Store the form; a response when done (or refused as stale), None to show the form again."""
    data = data_from(form, zone)
    try:
        services.check(kind, data, item.id if item else None)
    except services.ContentError as error:
        add_error(form, error)
        return None
    if not attach_images(form, data):
        return None
    try:
        if item is None:
            item = services.create_item(kind, data, current_user)
        else:
            services.save_item(item, data, current_user, form.version.data or 0)
    except services.StaleVersion as stale:
        assert item is not None, "only saving an existing item can be stale"
        return conflict_page(item.id, stale.refused_revision_id)
    except services.ContentError as error:
        add_error(form, error)
        return None
    flash(_("Saved: version %(version)s.", version=item.version), "success")
    return redirect(url_for("content.edit", item_id=item.id))


def editor_page(kind: str, item: ContentItem | None) -> ResponseReturnValue:
    zone = deployment_zone()
    form = build_form(kind, item, zone)
    if form.validate_on_submit():
        response = save(form, kind, item, zone)
        if response is not None:
            return response
    if form.is_submitted():  # shown again as the editor left it, minus what would be removed
        form.body.data = sanitize_html(form.body.data or "")
    context = {"actions": services.available_actions(current_user, item),
               "history": history("content", item.id)} if item else {}
    return render_template("content/edit.html", form=form, kind=kind, item=item, zone=zone,
                           action_labels=ACTION_LABELS, history_labels=HISTORY_LABELS,
                           **context), 400 if form.is_submitted() else 200


@blueprint.route("/editor/new/<kind>", methods=["GET", "POST"])
def create(kind: str) -> ResponseReturnValue:
    if kind not in KINDS:
        abort(404)
    signed_in()
    if not services.may_create(current_user, kind):
        abort(403)
    return editor_page(kind, None)


@blueprint.route("/editor/<int:item_id>/edit", methods=["GET", "POST"])
def edit(item_id: int) -> ResponseReturnValue:
    item = writable_item(item_id)
    return editor_page(item.kind, item)


def conflict_page(item_id: int, refused_id: int) -> ResponseReturnValue:
    """Both texts side by side; the refused one is already kept as a revision."""
    item = db.get_or_404(ContentItem, item_id)
    refused = versions.revision_of(item, refused_id)
    form = RestoreForm(formdata=None, data={"version": item.version})
    return render_template("content/conflict.html", item=item, refused=refused, form=form,
                           latest_id=versions.latest_revision_id(item)), 409


# -- workflow ---------------------------------------------------------------------------------


@blueprint.post("/editor/<int:item_id>/workflow/<action>")
def transition(item_id: int, action: str) -> ResponseReturnValue:
    signed_in()
    item = db.session.get(ContentItem, item_id)
    if item is None or action not in services.TRANSITIONS:
        abort(404)
    try:
        status = services.apply_action(item, action, current_user)
    except services.NotAllowed:
        abort(403)
    except services.WrongStatus:
        flash(_("This action is not possible in the item's current state; the page shows it "
                "as it is now."), "error")
        return redirect(url_for("content.edit", item_id=item_id))
    flash(_("Done: %(action)s.", action=ACTION_LABELS[action]), "success")
    if status == "submitted":
        flash(_("The reviewers have been notified by e-mail."), "info")
    return redirect(url_for("content.edit", item_id=item_id))


# -- revisions --------------------------------------------------------------------------------


@blueprint.get("/editor/<int:item_id>/revisions")
def revisions(item_id: int) -> ResponseReturnValue:
    item = writable_item(item_id)
    return render_template("content/revisions.html", item=item,
                           revisions=versions.revisions(item))


@blueprint.get("/editor/<int:item_id>/revisions/compare")
def compare(item_id: int) -> ResponseReturnValue:
    item = writable_item(item_id)
    older = versions.revision_of(item, row_id(request.args.get("a")))
    newer = versions.revision_of(item, row_id(request.args.get("b")))
    if older is None or newer is None:
        flash(_("Choose two versions of this item to compare."), "error")
        return redirect(url_for("content.revisions", item_id=item.id))
    return render_template("content/compare.html", item=item, older=older, newer=newer,
                           lines=versions.diff(older, newer))


@blueprint.post("/editor/<int:item_id>/revisions/<int:revision_id>/restore")
def restore(item_id: int, revision_id: int) -> ResponseReturnValue:
    item = writable_item(item_id)
    revision = versions.revision_of(item, revision_id)
    if revision is None:
        abort(404)
    form = RestoreForm()
    if not form.validate():
        abort(400)
    try:
        version = services.restore_revision(item, revision, current_user, form.version.data or 0)
    except services.StaleVersion as stale:
        return conflict_page(item_id, stale.refused_revision_id)
    flash(_("The text of version %(old)s is back, as version %(new)s.",
            old=revision.version, new=version), "success")
    return redirect(url_for("content.edit", item_id=item_id))
