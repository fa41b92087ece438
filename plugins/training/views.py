"""Pages for everyone and for applicants: the list, a training, applying, confirming or
withdrawing, "my trainings", certificates and their public verification page; and the plugin's
blueprint, ``/trainings/…``, which the management, review, coaching and export modules' routes
join (``plugin.register_blueprints`` lists them)."""

from __future__ import annotations

from crpm_plugins.training import applications, certificates, coaching, services
from crpm_plugins.training.forms import ActionForm, FilterForm, apply_form
from crpm_plugins.training.models import Training
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from crpm_cms.plugin_api import (
    countries,
    db,
    download,
    page_number,
    registrations,
    require,
    row_id,
    terms,
    visitor,
)

blueprint = Blueprint("training", __name__, url_prefix="/trainings", template_folder="templates")

PAGE_SIZE = 20
REFUSED = 409  # a step the rules do not allow from the current state


def training_or_404(training_id: int) -> Training:
    """A training this visitor may see (drafts only for those who manage them)."""
    training = services.get_training(training_id)
    if training is None or not services.visible(visitor(), training):
        abort(404)
    return training


def managed_or_403(training_id: int) -> Training:
    """A training the signed-in person manages (sign-in page for visitors, 403 for others)."""
    require("training.manage")
    training = services.get_training(training_id)
    if training is None:
        abort(404)
    if not services.can_manage(current_user, training):
        abort(403)
    return training


def refused(message: str, back: str) -> tuple[str, int]:
    """The page for a step that was not taken: what happened and the way back."""
    return render_template("training/refused.html", message=message, back=back), REFUSED




def kind_labels() -> dict[str, str]:
    return {term.code: term.label for term in terms("training_kind")}


@blueprint.get("/")
def index() -> ResponseReturnValue:
    form = FilterForm(formdata=request.args)
    labels = kind_labels()
    form.kind.choices = [("", _("All kinds")), *labels.items()]
    form.country.choices = [("", _("All countries"))] + [(c.code, c.name) for c in countries()]
    kind = form.kind.data if form.kind.data in labels else None
    # only offered values reach the query (anything else is ignored, like an empty filter)
    country = form.country.data if form.country.data in dict(form.country.choices) else None
    pagination = db.paginate(services.listing(visitor(), kind, country), page=page_number(),
                             per_page=PAGE_SIZE, error_out=False)
    return render_template("training/index.html", form=form, pagination=pagination,
                           kinds=labels, is_open=services.is_open,
                           can_create=services.can_manage(visitor()))


@blueprint.get("/<int:training_id>")
def detail(training_id: int) -> ResponseReturnValue:
    training = training_or_404(training_id)
    activity = services.activity_of(training)
    mine = registrations.registration_of(activity, user) if (user := visitor()) else None
    return render_template(
        "training/detail.html", training=training, mine=mine, form=ActionForm(),
        counts=registrations.counts(activity), is_open=services.is_open(training),
        kind=kind_labels().get(training.kind, training.kind),
        can_manage=services.can_manage(visitor(), training),
        can_review=services.reviewer_countries(visitor()) != set(),
        history=registrations.history(mine) if mine else [],
        allowed=registrations.allowed_actions)


@blueprint.route("/<int:training_id>/apply", methods=["GET", "POST"])
def apply(training_id: int) -> ResponseReturnValue:
    require("training.apply")
    training = training_or_404(training_id)
    back = url_for("training.detail", training_id=training.id)
    if not services.is_open(training):
        return refused(_("This training does not accept applications at the moment."), back)
    current = applications.own_registration(training, current_user)
    if current is not None and current.state not in registrations.ENDED_STATES:
        return refused(_("You have already applied to this training (status: %(state)s).",
                         state=registrations.STATE_LABELS[current.state]), back)
    form = apply_form(training)
    if form.validate_on_submit():
        answers = {name.removeprefix("question_"): str(field.data or "")
                   for name, field in form._fields.items() if name.startswith("question_")}
        try:
            applications.apply(training, current_user, answers)
        except (services.TrainingError, registrations.RegistrationError) as error:
            flash(str(error), "error")
        else:
            flash(_("Your application is recorded. You will receive an e-mail at each step."),
                  "success")
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    return render_template("training/apply.html", training=training, form=form,
                           organisation=current_user.organisation), status


@blueprint.post("/<int:training_id>/<any(withdraw, confirm):action>")
def person_step(training_id: int, action: str) -> ResponseReturnValue:
    """The applicant confirms a seat held for them, or withdraws."""
    require("training.apply")
    training = training_or_404(training_id)
    back = url_for("training.detail", training_id=training.id)
    if not ActionForm().validate_on_submit():
        abort(400)
    mine = applications.own_registration(training, current_user)
    before = mine.state if mine else None
    try:
        applications.person_step(training, current_user, action)
    except (services.TrainingError, registrations.RegistrationError) as error:
        after = applications.own_registration(training, current_user)
        if before is not None and after is not None and after.state != before:
            flash(str(error), "warning")  # confirmed too late: the offer expired meanwhile
            return redirect(back)
        return refused(str(error), back)
    flash(_("Your seat is confirmed.") if action == "confirm"
          else _("You have withdrawn from this training."), "success")
    return redirect(back)


@blueprint.get("/mine")
def mine() -> ResponseReturnValue:
    require("training.apply")
    return render_template("training/mine.html",
                           applications=applications.applications_of(current_user),
                           bookings=coaching.bookings_of(current_user),
                           certificate_of=certificates.certificate_of,
                           allowed=registrations.allowed_actions)


@blueprint.get("/<int:training_id>/certificate.pdf")
def certificate_pdf(training_id: int) -> ResponseReturnValue:
    """The holder's PDF (also for those who review the holder's country)."""
    require("training.apply")
    training = training_or_404(training_id)
    registration_id = row_id(request.args.get("registration"))
    if registration_id is None:
        registration = applications.own_registration(training, current_user)
    else:
        registration = applications.get_application(training, registration_id)
        if registration is not None and not applications.can_review(current_user, registration):
            abort(403)
    back = url_for("training.detail", training_id=training.id)
    if registration is None or registration.state != "certified":
        return refused(_("There is no certificate for this participation."), back)
    certificate = certificates.issue(registration, training)
    if certificate.revoked_at is not None:
        return refused(_("This certificate has been revoked."), back)
    language = registration.user.language if registration.user else None
    return download(certificates.pdf_bytes(certificate, language),
                    f"certificate-{certificate.code}.pdf", "application/pdf")


@blueprint.get("/certificates/<code>")
def verify_certificate(code: str) -> ResponseReturnValue:
    """Public: only the holder's name, the training and its date — nothing else."""
    certificate, valid = certificates.verify(code)
    if not valid:
        status = 410 if certificate is not None else 404
        return render_template("training/verify.html", certificate=None,
                               revoked=certificate is not None), status
    assert certificate is not None
    return render_template("training/verify.html", certificate=certificate, revoked=False,
                           date=certificates.training_date(certificate))
