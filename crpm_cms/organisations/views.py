"""Organisations directory: list with filters, organisation pages, create, edit, delete, logo."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crpm_cms.extensions import db
from crpm_cms.organisations import services
from crpm_cms.organisations.forms import DeleteForm, FilterForm, OrganisationForm
from crpm_cms.organisations.models import Organisation
from crpm_cms.pagination import page_number
from crpm_cms.permissions import require
from crpm_cms.taxonomies.services import (
    countries,
    organisation_kind_labels,
    theme_choices,
)
from crpm_cms.uploads import InvalidImage, remove_image, save_image, send_image
from crpm_cms.versions import StaleRecord, changes, seen_version

blueprint = Blueprint("organisations", __name__, url_prefix="/organisations")

@blueprint.get("/")
def index() -> ResponseReturnValue:
    form = FilterForm(formdata=request.args)
    form.country.choices = [("", _("All countries"))] + [(c.code, c.name) for c in countries()]
    kinds = organisation_kind_labels()
    form.kind.choices = [("", _("All kinds")), *kinds.items()]
    # The None group holds options outside any <optgroup>: WTForms takes it, its stubs do not.
    form.theme.choices = ({None: [("", _("All themes"))]}  # type: ignore[assignment]
                          | theme_choices(lambda t: t.code))
    filters = services.OrganisationFilters(
        country=form.country.data or None, kind=form.kind.data or None,
        theme=form.theme.data or None, q=(form.q.data or "").strip()[:100] or None)
    pagination = services.search(current_user, filters, page_number())
    return render_template("organisations/index.html", form=form, pagination=pagination,
                           kinds=kinds, filtered=any(vars(filters).values()))


def get_or_404(slug: str) -> Organisation:
    organisation = services.get_visible(current_user, slug)
    if organisation is None:
        abort(404)
    return organisation


@blueprint.get("/<slug>")
def detail(slug: str) -> ResponseReturnValue:
    organisation = get_or_404(slug)
    parent = organisation.parent
    if parent is not None and services.get_visible(current_user, parent.slug) is None:
        parent = None
    return render_template(
        "organisations/detail.html", organisation=organisation, parent=parent,
        kind=organisation_kind_labels().get(organisation.kind, organisation.kind),
        members=services.member_count(organisation),
        can_edit=services.can_edit(current_user, organisation))


@blueprint.get("/<slug>/logo")
def logo(slug: str) -> ResponseReturnValue:
    return send_image("logos", get_or_404(slug).logo)


# -- create and edit ----------------------------------------------------------------------------


def build_form(organisation: Organisation | None) -> OrganisationForm:
    """The editor with its choices; filled from the organisation until the form is posted."""
    form = OrganisationForm()
    if not form.is_submitted() and organisation is not None:
        form = OrganisationForm(data=organisation_data(organisation))
        form.version.data = str(organisation.version)
        while len(form.identifiers) < len(organisation.identifiers) + 2:
            form.identifiers.append_entry()
    allowed = services.allowed_countries(current_user, organisation)
    every_country = [(c.code, c.name) for c in countries()]
    form.country.choices = [(code, name) for code, name in every_country
                            if allowed is None or code in allowed]
    form.countries.choices = every_country
    form.kind.choices = list(organisation_kind_labels().items())
    form.themes.choices = theme_choices(lambda t: t.id)
    others = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if organisation is not None:
        others = others.where(Organisation.id != organisation.id)
    form.parent.choices = [(0, "—")] + [(id_, name) for id_, name in db.session.execute(others)]
    return form


def organisation_data(organisation: Organisation) -> dict:
    return {
        "name": organisation.name, "acronym": organisation.acronym, "kind": organisation.kind,
        "country": organisation.country_code,
        "countries": [c.code for c in organisation.countries],
        "themes": [t.id for t in organisation.themes],
        "description_fr": organisation.description_fr,
        "description_en": organisation.description_en,
        "website": organisation.website, "email": organisation.email,
        "parent": organisation.parent_id or 0, "visibility": organisation.visibility,
        "identifiers": [{"scheme": i.scheme, "value": i.value}
                        for i in organisation.identifiers],
    }


def check_rules(form: OrganisationForm, organisation: Organisation | None) -> bool:
    """Checks that need the database: identifiers held elsewhere, a parent loop."""
    taken = services.identifier_conflicts(form.identifier_pairs(),
                                          organisation.id if organisation else None)
    for row in form.identifiers:
        if (row.scheme.data, row.value.data) in taken:
            row.value.errors = [*row.value.errors,
                                _("Another organisation already has this identifier.")]
    if services.parent_would_loop(organisation, form.parent.data):
        form.parent.errors = [_("An organisation cannot be placed under itself.")]
    return not taken and not form.parent.errors


def store_logo(form: OrganisationForm) -> str | None:
    """Save an uploaded logo; ``None`` when there is none, or an error on the field."""
    upload = form.logo.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        return save_image(upload, "logos", 256)
    except InvalidImage:
        form.logo.errors = [_("This file is not an image we can use (PNG, JPEG, WebP or GIF).")]
        return None


def data_from(form: OrganisationForm) -> services.OrganisationData:
    return services.OrganisationData(
        name=(form.name.data or "").strip(), kind=form.kind.data, country_code=form.country.data,
        acronym=(form.acronym.data or "").strip() or None,
        description_fr=form.description_fr.data or "",
        description_en=form.description_en.data or "",
        website=(form.website.data or "").strip() or None,
        email=(form.email.data or "").strip() or None, visibility=form.visibility.data,
        parent_id=form.parent.data or None, countries=form.countries.data or [],
        themes=form.themes.data or [], identifiers=form.identifier_pairs())


def save_form(form: OrganisationForm, organisation: Organisation | None) -> Organisation | None:
    """Validate and save; ``None`` when the form has errors and nothing was changed."""
    if not (form.validate_on_submit() and check_rules(form, organisation)):
        return None
    new_logo = store_logo(form)
    if form.logo.errors:
        return None
    target = organisation or Organisation()
    old_logo = target.logo
    if new_logo:
        target.logo = new_logo
    try:
        saved = services.save(target, data_from(form), current_user,
                              seen_version(form.version.data))
    except StaleRecord:
        remove_image("logos", new_logo)
        raise
    except IntegrityError:  # an identifier taken by someone else in the meantime
        db.session.rollback()
        remove_image("logos", new_logo)
        flash(_("Another organisation already has this identifier."), "error")
        return None
    if new_logo:
        remove_image("logos", old_logo)
    return saved


def edit_page(organisation: Organisation | None) -> ResponseReturnValue:
    form = build_form(organisation)
    try:
        saved = save_form(form, organisation)
    except StaleRecord as stale:
        assert organisation is not None  # only an existing organisation has a version
        current = get_or_404(organisation.slug)
        form.version.data = str(stale.version)  # saving again is a deliberate choice
        return render_template("organisations/edit.html", form=form, organisation=current,
                               changes=changes(form, organisation_data(current))), 409
    if saved is not None:
        flash(_("The organisation has been saved."), "success")
        return redirect(url_for("organisations.detail", slug=saved.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("organisations/edit.html", form=form,
                           organisation=organisation), status


@blueprint.route("/new", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    require("organisations.create")
    return edit_page(None)


@blueprint.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str) -> ResponseReturnValue:
    if not current_user.is_authenticated:
        require("organisations.edit")  # sends to the sign-in page
    organisation = get_or_404(slug)
    if not services.can_edit(current_user, organisation):
        abort(403)
    return edit_page(organisation)


@blueprint.route("/<slug>/delete", methods=["GET", "POST"])
def delete(slug: str) -> ResponseReturnValue:
    """GET asks for confirmation; POST deletes."""
    require("admin.access")
    organisation = get_or_404(slug)
    form = DeleteForm()
    if form.validate_on_submit():
        logo_name = organisation.logo
        services.delete(organisation, current_user)
        remove_image("logos", logo_name)
        flash(_("The organisation %(name)s has been deleted.", name=organisation.name),
              "success")
        return redirect(url_for("admin.organisations"))
    return render_template("organisations/delete.html", organisation=organisation, form=form)
