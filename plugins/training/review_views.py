"""Pages of reviewers (focal points for their country's applicants, admins for all): the review
screen with the cohort's balance, review steps one by one or several at once, attendance,
participant lists (CSV, XLSX), certificates and participation figures."""

from __future__ import annotations

from crpm_plugins.training import applications, attendance, certificates, cohort, services
from crpm_plugins.training.forms import ActionForm
from crpm_plugins.training.models import Training
from crpm_plugins.training.views import managed_or_403, refused
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from crpm_cms.plugin_api import Routes, registrations, require, row_ids

routes = Routes()  # added to the plugin's blueprint by register_blueprints


def reviewed_or_404(training_id: int) -> Training:
    require("training.review")
    training = services.get_training(training_id)
    if training is None:
        abort(404)
    return training


@routes.get("/<int:training_id>/review")
def review(training_id: int) -> ResponseReturnValue:
    training = reviewed_or_404(training_id)
    state = request.args.get("state") or None
    if state not in (None, *registrations.STATES):
        state = None
    activity = services.activity_of(training)
    people = registrations.registrations_for(activity)
    return render_template(
        "training/review.html", training=training, state=state, form=ActionForm(),
        rows=applications.review_list(training, current_user, state, people),
        balance=cohort.balance(people), counts=registrations.counts(activity),
        allowed=registrations.allowed_actions, actions=applications.REVIEW_ACTIONS,
        can_manage=services.can_manage(current_user, training))


@routes.post("/<int:training_id>/applications/<int:registration_id>/<action>")
def review_action(training_id: int, registration_id: int, action: str) -> ResponseReturnValue:
    """One reviewer step; a step the state table does not allow is refused (409)."""
    training = reviewed_or_404(training_id)
    registration = applications.get_application(training, registration_id)
    if registration is None or action not in applications.REVIEW_ACTIONS:
        abort(404)
    back = url_for("training.review", training_id=training.id)
    form = ActionForm()
    if not form.validate_on_submit():
        return refused(_("The note is too long (500 characters at most)."), back)
    try:
        applications.review_step(registration, action, current_user, form.note.data or "")
    except PermissionError:
        abort(403)
    except registrations.RegistrationError as error:
        return refused(str(error), back)
    flash(_("Done: %(person)s is now %(state)s.", person=registration.user.display_name,
            state=registrations.STATE_LABELS[registration.state]), "success")
    return redirect(back)


@routes.post("/<int:training_id>/applications")
def review_bulk(training_id: int) -> ResponseReturnValue:
    """The same step for the ticked applications, first applied first served."""
    training = reviewed_or_404(training_id)
    action = request.form.get("action", "")
    back = url_for("training.review", training_id=training.id)
    ids = row_ids(request.form.getlist("registration"))
    if action not in applications.REVIEW_ACTIONS or not ids:
        return refused(_("Tick at least one application and choose what to do."), back)
    result = applications.review_many(training, ids, action, current_user)
    flash(ngettext("%(num)d application changed.", "%(num)d applications changed.",
                   result.done), "success")
    if result.refused:
        flash(ngettext("%(num)d application could not take this step.",
                       "%(num)d applications could not take this step.", result.refused),
              "warning")
    return redirect(back)


@routes.route("/<int:training_id>/sessions/<int:session_id>/attendance",
                 methods=["GET", "POST"])
def session_attendance(training_id: int, session_id: int) -> ResponseReturnValue:
    training = managed_or_403(training_id)
    session = next((s for s in training.sessions if s.id == session_id), None)
    if session is None:
        abort(404)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        present = set(row_ids(request.form.getlist("present")))
        try:
            count = attendance.record(training, session, present, current_user)
        except services.TrainingError as error:
            flash(str(error), "error")
        else:
            flash(ngettext("Attendance saved: %(num)d person present.",
                           "Attendance saved: %(num)d people present.", count), "success")
            return redirect(url_for("training.session_attendance", training_id=training.id,
                                    session_id=session.id))
    return render_template("training/attendance.html", training=training, session=session,
                           rows=attendance.sheet(training, session), form=form)


@routes.post("/certificates/<code>/revoke")
def revoke_certificate(code: str) -> ResponseReturnValue:
    require("training.review")
    certificate, _valid = certificates.verify(code)
    if certificate is None:
        abort(404)
    registration = applications.registration_by_id(certificate.registration_id)
    if registration is None or not applications.can_review(current_user, registration):
        abort(403)
    certificates.revoke(certificate, current_user)
    flash(_("The certificate is revoked: its code no longer verifies."), "success")
    return redirect(url_for("training.review", training_id=certificate.training_id))
