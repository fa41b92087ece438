"""Coaching pages: the free slots, booking one, and the coach's view of their bookings."""

from __future__ import annotations

from crpm_plugins.training import coaching, services
from crpm_plugins.training.forms import ActionForm, CoachingSlotForm
from crpm_plugins.training.models import CoachingSlot
from crpm_plugins.training.views import refused
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from crpm_cms.plugin_api import (
    LANGUAGE_NAMES,
    Routes,
    countries,
    countries_for,
    db,
    find_user_by_email,
    registrations,
    require,
    to_utc,
    visitor,
    zone_choices,
)

routes = Routes()  # added to the plugin's blueprint by register_blueprints


def slot_or_404(slot_id: int) -> CoachingSlot:
    slot = db.session.get(CoachingSlot, slot_id)
    if slot is None:
        abort(404)
    return slot


@routes.get("/coaching/")
def coaching_index() -> ResponseReturnValue:
    user = visitor()
    return render_template("training/coaching_index.html", rows=coaching.upcoming(),
                           mine=coaching.coach_slots(user) if user else [],
                           can_create=services.can_manage(user))


def _slot_form() -> CoachingSlotForm:
    form = CoachingSlotForm()
    scope = countries_for(current_user, "training.manage")
    form.timezone.choices = zone_choices()
    form.language.choices = [(code, LANGUAGE_NAMES.get(code, code))
                             for code in current_app.config["LANGUAGES"]]
    form.country.choices = ([("", _("Regional (administrators)"))] if scope is None else []) + [
        (c.code, c.name) for c in countries() if scope is None or c.code in scope]
    if request.method == "GET":
        form.timezone.data = "Africa/Dakar"
    return form


@routes.route("/coaching/new", methods=["GET", "POST"])
def coaching_create() -> ResponseReturnValue:
    require("training.manage")
    form = _slot_form()
    if form.validate_on_submit():
        coach = find_user_by_email(form.coach_email.data) if form.coach_email.data else current_user
        country = form.country.data or None
        if coach is None or not coach.is_active:
            form.coach_email.errors = [_("No active account has this e-mail address.")]
        elif not services.in_scope(current_user, "training.manage", country):
            form.country.errors = [_("You cannot manage trainings of this country.")]
        else:
            zone = form.timezone.data
            starts, ends = form.starts.data, form.ends.data
            assert starts is not None and ends is not None, "both are required"
            try:
                slot = coaching.create_slot(
                    coach, form.topic.data or "", to_utc(starts, zone),
                    to_utc(ends, zone), zone, place=form.place.data or "",
                    online=form.online.data, language=form.language.data,
                    country_code=country, actor=current_user)
            except services.TrainingError as error:
                form.starts.errors = [str(error)]
            else:
                flash(_("The coaching slot is offered."), "success")
                return redirect(url_for("training.coaching_slot", slot_id=slot.id))
    return render_template("training/coaching_new.html", form=form), (
        400 if request.method == "POST" else 200)


@routes.get("/coaching/<int:slot_id>")
def coaching_slot(slot_id: int) -> ResponseReturnValue:
    slot = slot_or_404(slot_id)
    user = visitor()
    runs = coaching.can_run(user, slot)
    activity = coaching.activity_of(slot)
    return render_template(
        "training/coaching_slot.html", coaching_slot=slot, form=ActionForm(), runs=runs,
        mine=registrations.registration_of(activity, user) if user else None,
        bookings=coaching.bookings(slot) if runs else [],
        seats_left=registrations.counts(activity)["seats_left"],
        allowed=registrations.allowed_actions, actions=coaching.COACH_ACTIONS)


@routes.post("/coaching/<int:slot_id>/<any(book, cancel):step>")
def coaching_book(slot_id: int, step: str) -> ResponseReturnValue:
    """The member books the slot (or its waiting list), or cancels their booking."""
    require("training.apply")
    slot = slot_or_404(slot_id)
    back = url_for("training.coaching_slot", slot_id=slot.id)
    try:
        if step == "book":
            booking = coaching.book(slot, current_user)
        else:
            booking = coaching.cancel_own(slot, current_user)
    except (services.TrainingError, registrations.RegistrationError) as error:
        return refused(str(error), back)
    flash(_("Your booking is now: %(state)s.",
            state=registrations.STATE_LABELS[booking.state]), "success")
    return redirect(back)


@routes.post("/coaching/<int:slot_id>/bookings/<int:registration_id>/<action>")
def coaching_action(slot_id: int, registration_id: int, action: str) -> ResponseReturnValue:
    require("training.apply")
    slot = slot_or_404(slot_id)
    if action not in coaching.COACH_ACTIONS:
        abort(404)
    back = url_for("training.coaching_slot", slot_id=slot.id)
    try:
        coaching.coach_step(slot, registration_id, action, current_user)
    except PermissionError:
        abort(403)
    except LookupError:
        abort(404)
    except registrations.RegistrationError as error:
        return refused(str(error), back)
    flash(_("The booking is updated."), "success")
    return redirect(back)


@routes.post("/coaching/<int:slot_id>/delete")
def coaching_delete(slot_id: int) -> ResponseReturnValue:
    require("training.apply")
    slot = slot_or_404(slot_id)
    if not coaching.can_run(current_user, slot):
        abort(403)
    try:
        coaching.delete_slot(slot)
    except services.TrainingError as error:
        return refused(str(error), url_for("training.coaching_slot", slot_id=slot_id))
    flash(_("The coaching slot is deleted."), "success")
    return redirect(url_for("training.coaching_index"))
