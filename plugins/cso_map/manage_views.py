"""``/map/…`` pages that change things: proposing, moderating, editing places, importing, and
the yearly confirmation links. HTTP only: the rules are in ``proposals``, ``places``,
``importing`` and ``verification``.
"""

from __future__ import annotations

from crpm_plugins.cso_map import importing, proposals, verification
from crpm_plugins.cso_map import places as place_rules
from crpm_plugins.cso_map.forms import (
    ConfirmForm,
    DecisionForm,
    ImportForm,
    MapRecordForm,
    MapSettingsForm,
    ProposalForm,
)
from crpm_plugins.cso_map.import_rows import ImportFileError
from crpm_plugins.cso_map.models import Proposal
from crpm_plugins.cso_map.proposal_forms import (
    attach_problems,
    fill_proposal_form,
    proposal_choices,
    proposal_data,
    record_form,
    record_form_as_stored,
    save_record_form,
)
from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from crpm_cms.plugin_api import (
    Organisation,
    Routes,
    StaleRecord,
    can,
    changes,
    countries_for,
    db,
    get_setting,
    limiter,
    organisations,
    require,
    save_settings,
    visitor,
)

routes = Routes()  # added to the plugin's blueprint by register_blueprints

MAX_IMPORT_BYTES = 5 * 1024 * 1024
visitor_limit = limiter.limit("20 per hour", methods=["POST"],
                              exempt_when=lambda: current_user.is_authenticated)


def organisation_or_404(slug: str) -> Organisation:
    found = organisations.get_visible(visitor(), slug)
    if found is None:
        abort(404)
    return found


# -- proposals ------------------------------------------------------------------------------------


def proposal_page(organisation: Organisation | None, token: str | None = None,
                  ) -> ResponseReturnValue:
    """The proposal form for a new organisation, or a change to ``organisation``."""
    form = ProposalForm()
    proposal_choices(form)
    if not form.is_submitted() and organisation is not None:
        fill_proposal_form(form, organisation)
    anonymous = not current_user.is_authenticated
    needs_contact = anonymous and token is None  # a yearly link speaks for the organisation
    if form.validate_on_submit() and attach_problems(form, needs_contact):
        data = proposal_data(form)
        name = current_user.display_name if not anonymous else form.submitter_name.data
        email = current_user.email if not anonymous else form.submitter_email.data
        if token is not None:  # the organisation itself, through its yearly link
            name, email = organisation.name if organisation else name, (
                organisation.email if organisation and organisation.email else email)
        proposals.submit(data, organisation, visitor(), name or "", email or "",
                         str(get_locale() or "fr"), form.note.data or "")
        flash(_("Thank you. The focal point of the country will review your proposal; you will "
                "receive an e-mail with the decision."), "success")
        return redirect(url_for("organisations.detail", slug=organisation.slug)
                        if organisation else url_for("cso_map.index"))
    return render_template("cso_map/propose.html", form=form, organisation=organisation,
                           anonymous=needs_contact,
                           token=token), 400 if form.is_submitted() else 200


@routes.route("/propose", methods=["GET", "POST"])
@visitor_limit
def propose() -> ResponseReturnValue:
    if not (current_user.is_authenticated or get_setting("cso_map_visitor_proposals")):
        require("cso_map.propose")  # sends the visitor to the sign-in page
    if current_user.is_authenticated:
        require("cso_map.propose")
    return proposal_page(None)


@routes.route("/organisations/<slug>/propose", methods=["GET", "POST"])
def propose_change(slug: str) -> ResponseReturnValue:
    """A member proposes a change to their own organisation's record."""
    require("cso_map.propose")
    organisation = organisation_or_404(slug)
    if current_user.organisation_id != organisation.id:
        abort(403)
    return proposal_page(organisation)


# -- moderation -----------------------------------------------------------------------------------


@routes.get("/moderation")
def moderation() -> ResponseReturnValue:
    require("cso_map.moderate")
    settings = MapSettingsForm(visitor_proposals=get_setting("cso_map_visitor_proposals"))
    return render_template("cso_map/moderation.html", pending=proposals.pending_for(current_user),
                           decided=proposals.recent_decisions(current_user),
                           settings_form=settings if can(current_user, "settings.manage")
                           else None)


@routes.post("/moderation/settings")
def moderation_settings() -> ResponseReturnValue:
    require("settings.manage")
    form = MapSettingsForm()
    if not form.validate_on_submit():
        abort(400)
    save_settings({"cso_map_visitor_proposals": bool(form.visitor_proposals.data)})
    flash(_("The settings have been saved."), "success")
    return redirect(url_for("cso_map.moderation"))


@routes.route("/moderation/<int:proposal_id>", methods=["GET", "POST"])
def proposal(proposal_id: int) -> ResponseReturnValue:
    require("cso_map.moderate")
    found = db.session.get(Proposal, proposal_id)
    if found is None:
        abort(404)
    if not proposals.may_moderate(current_user, found):
        abort(403)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            if form.decision.data == "approve":
                proposals.approve(found, current_user, form.message.data or "")
                flash(_("The proposal has been approved and its author told."), "success")
            else:
                proposals.reject(found, current_user, form.message.data or "")
                flash(_("The proposal has been rejected and its author told."), "success")
        except proposals.ProposalError as error:
            flash(str(error), "error")
        else:
            return redirect(url_for("cso_map.moderation"))
    data = proposals.ProposalData.from_payload(found.payload)
    current = found.organisation
    current_places = place_rules.places_of(current.id) if current else []
    return render_template(
        "cso_map/proposal.html", proposal=found, data=data, form=form, current=current,
        current_place=current_places[0] if current_places else None,
        profile=place_rules.profile_of(current.id) if current else None,
    ), 400 if form.is_submitted() else 200


# -- direct editing -------------------------------------------------------------------------------


@routes.route("/organisations/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str) -> ResponseReturnValue:
    """Places and directory fields, for the editors and focal points of its country."""
    require("cso_map.edit")
    organisation = organisation_or_404(slug)
    if not can(current_user, "cso_map.edit", organisation.country_code):
        abort(403)
    form: MapRecordForm = record_form(organisation)
    try:
        if form.validate_on_submit() and save_record_form(form, organisation, current_user):
            flash(_("The map record has been saved."), "success")
            return redirect(url_for("organisations.detail", slug=organisation.slug))
    except StaleRecord as stale:
        form.version.data = str(stale.version or 0)  # saving again is a deliberate choice
        current = record_form_as_stored(organisation)
        stored = {name: current[name].data
                  for name in ("gender_focus", "working_languages", "target_groups")}
        return render_template("cso_map/edit.html", form=form, organisation=organisation,
                               changes=changes(form, stored)), 409
    return render_template("cso_map/edit.html", form=form, organisation=organisation), (
        400 if form.is_submitted() else 200)


# -- import ---------------------------------------------------------------------------------------


@routes.route("/import", methods=["GET", "POST"])
def import_file() -> ResponseReturnValue:
    require("cso_map.import")
    form, plan, error, done = ImportForm(), None, None, None
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
        if not content:
            error = _("Choose a CSV or XLSX file.")
        elif len(content) > MAX_IMPORT_BYTES:
            error = _("The file is larger than 5 MB; split it.")
        else:
            try:
                plan = importing.plan_import(upload.filename or "", content,
                                             countries_for(current_user, "cso_map.import"))
            except ImportFileError as problem:
                error = str(problem)
        if plan is not None and not plan.problems and not form.dry_run.data:
            done = importing.run_import(plan, current_user)
    status = 400 if error or (plan is not None and plan.problems) else 200
    return render_template("cso_map/import.html", form=form, plan=plan, error=error,
                           done=done), status


# -- the yearly confirmation link -----------------------------------------------------------------


def organisation_from_link(token: str) -> Organisation:
    found = verification.organisation_from_token(token)
    if found is None:
        abort(404)
    return found


@routes.route("/verify/<token>", methods=["GET", "POST"])
def verify(token: str) -> ResponseReturnValue:
    organisation = organisation_from_link(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        verification.confirm(organisation)
        flash(_("Thank you: the record of %(name)s is confirmed for this year.",
                name=organisation.name), "success")
        return redirect(url_for("cso_map.verify", token=token))
    return render_template("cso_map/verify.html", organisation=organisation, form=form,
                           token=token, places=place_rules.places_of(organisation.id),
                           profile=place_rules.profile_of(organisation.id))


@routes.route("/verify/<token>/edit", methods=["GET", "POST"])
@visitor_limit
def verify_edit(token: str) -> ResponseReturnValue:
    return proposal_page(organisation_from_link(token), token=token)
