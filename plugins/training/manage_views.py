"""Pages of those who manage trainings: create and edit a training with its seats and quotas,
its sessions and its intake questions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from crpm_plugins.training import services
from crpm_plugins.training.forms import (
    ActionForm,
    QuestionForm,
    SessionForm,
    TrainingForm,
    country_quotas,
)
from crpm_plugins.training.models import Training
from crpm_plugins.training.views import managed_or_403
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from crpm_cms.plugin_api import (
    LANGUAGE_NAMES,
    Routes,
    StaleRecord,
    changes,
    countries,
    countries_for,
    db,
    require,
    seen_version,
    terms,
    theme_choices,
    to_local,
    to_utc,
    zone_choices,
)

routes = Routes()  # added to the plugin's blueprint by register_blueprints


def _choices(form: TrainingForm) -> None:
    scope = countries_for(current_user, "training.manage")
    all_countries = [(c.code, c.name) for c in countries()]
    form.kind.choices = [(t.code, t.label) for t in services.training_kinds()]
    form.country.choices = ([("", _("Regional (administrators)"))] if scope is None else []) + [
        pair for pair in all_countries if scope is None or pair[0] in scope]
    form.timezone.choices = zone_choices()
    form.target_countries.choices = all_countries
    form.target_kinds.choices = [(t.code, t.label) for t in terms("organisation_kind")]
    form.themes.choices = theme_choices(lambda term: term.id)


def _window(day: date | None, zone: str, *, end: bool = False) -> datetime | None:
    """A date of the form as naive UTC: the start of that day in ``zone`` (the next day for an
    inclusive closing date)."""
    if day is None:
        return None
    moment = datetime.combine(day, time()) + (timedelta(days=1) if end else timedelta())
    return to_utc(moment, zone)


def _data(form: TrainingForm) -> services.TrainingData:
    zone = form.timezone.data
    quotas = {}
    if form.quota_countries.data:
        quotas["country"] = country_quotas(form.quota_countries.data,
                                           form.target_countries.choices or [])
    sexes = {"woman": form.quota_women.data, "man": form.quota_men.data}
    if any(value is not None for value in sexes.values()):
        quotas["sex"] = {key: value for key, value in sexes.items() if value is not None}
    return services.TrainingData(
        kind=form.kind.data, title_fr=form.title_fr.data or "", title_en=form.title_en.data or "",
        description_fr=form.description_fr.data or "",
        description_en=form.description_en.data or "",
        objectives_fr=form.objectives_fr.data or "", objectives_en=form.objectives_en.data or "",
        prerequisites_fr=form.prerequisites_fr.data or "",
        prerequisites_en=form.prerequisites_en.data or "",
        country_code=form.country.data or None, timezone=zone,
        target_countries=form.target_countries.data or [],
        target_kinds=form.target_kinds.data or [], theme_ids=form.themes.data or [],
        applications_open_at=_window(form.applications_open.data, zone),
        applications_close_at=_window(form.applications_close.data, zone, end=True),
        published=form.published.data, capacity=form.capacity.data,
        offer_days=form.offer_days.data or services.DEFAULT_OFFER_DAYS, quotas=quotas)


def _fill(form: TrainingForm, training: Training) -> None:
    """Put a saved training (and its seats) back into the form."""
    for name in ("kind", "title_fr", "title_en", "description_fr", "description_en",
                 "objectives_fr", "objectives_en", "prerequisites_fr", "prerequisites_en",
                 "timezone", "published", "target_kinds"):
        getattr(form, name).data = getattr(training, name)
    form.country.data = training.country_code or ""
    form.version.data = str(training.version)
    form.target_countries.data = [c.code for c in training.target_countries]
    form.themes.data = [t.id for t in training.themes]
    if training.applications_open_at:
        form.applications_open.data = to_local(training.applications_open_at,
                                               training.timezone).date()
    if training.applications_close_at:
        form.applications_close.data = (to_local(training.applications_close_at,
                                                 training.timezone) - timedelta(days=1)).date()
    activity = services.activity_of(training)
    form.capacity.data, form.offer_days.data = activity.capacity, activity.offer_days
    limits = {(q.dimension, q.value): q.seats for q in activity.quotas}
    form.quota_countries.data = ", ".join(f"{value}={seats}" for (dimension, value), seats
                                          in sorted(limits.items()) if dimension == "country")
    form.quota_women.data = limits.get(("sex", "woman"))
    form.quota_men.data = limits.get(("sex", "man"))


def _save(form: TrainingForm, training: Training | None) -> ResponseReturnValue | None:
    if not form.validate_on_submit():
        return None
    country = form.country.data or None
    if not services.in_scope(current_user, "training.manage", country):
        form.country.errors = [_("You cannot manage trainings of this country.")]
        return None
    try:
        saved = services.save_training(training, _data(form), current_user,
                                       seen_version(form.version.data))
    except StaleRecord as stale:
        assert training is not None  # only a saved training has a version
        db.session.refresh(training)
        form.version.data = str(stale.version)  # saving again is a deliberate choice
        current = TrainingForm()
        _choices(current)
        _fill(current, training)
        return render_template(
            "training/edit.html", form=form, training=training,
            session_form=_session_form(training), question_form=QuestionForm(),
            action_form=ActionForm(),
            changes=changes(form, {field.name: field.data for field in current})), 409
    except services.TrainingError as error:
        flash(str(error), "error")
        return None
    flash(_("The training is saved."), "success")
    return redirect(url_for("training.edit", training_id=saved.id))


@routes.route("/new", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    require("training.manage")
    form = TrainingForm()
    _choices(form)
    if request.method == "GET":
        form.timezone.data = "Africa/Dakar"
    done = _save(form, None)
    if done is not None:
        return done
    return render_template("training/edit.html", form=form, training=None), (
        400 if request.method == "POST" else 200)


@routes.route("/<int:training_id>/edit", methods=["GET", "POST"])
def edit(training_id: int) -> ResponseReturnValue:
    training = managed_or_403(training_id)
    form = TrainingForm()
    _choices(form)
    if request.method == "GET":
        _fill(form, training)
    done = _save(form, training)
    if done is not None:
        return done
    return render_template("training/edit.html", form=form, training=training,
                           session_form=_session_form(training), question_form=QuestionForm(),
                           action_form=ActionForm()), (400 if request.method == "POST" else 200)


def _session_form(training: Training) -> SessionForm:
    form = SessionForm()
    form.timezone.choices = zone_choices()
    form.language.choices = [(code, LANGUAGE_NAMES.get(code, code))
                             for code in current_app.config["LANGUAGES"]]
    if request.method == "GET":
        form.timezone.data = training.timezone
    return form


def _edit_page(training: Training, **forms: object) -> ResponseReturnValue:
    """The edit page again, with the form that failed, answered 400."""
    form = TrainingForm()
    _choices(form)
    _fill(form, training)
    values = {"session_form": _session_form(training), "question_form": QuestionForm(),
              "action_form": ActionForm(), **forms}
    return render_template("training/edit.html", form=form, training=training, **values), 400


@routes.post("/<int:training_id>/sessions")
def add_session(training_id: int) -> ResponseReturnValue:
    training = managed_or_403(training_id)
    form = _session_form(training)
    if form.validate_on_submit():
        zone = form.timezone.data
        starts, ends = form.starts.data, form.ends.data
        assert starts is not None and ends is not None, "both are required"
        try:
            services.add_session(training, to_utc(starts, zone),
                                 to_utc(ends, zone), zone, place=form.place.data or "",
                                 online=form.online.data, trainers=form.trainers.data or "",
                                 language=form.language.data)
        except services.TrainingError as error:
            form.starts.errors = [str(error)]
        else:
            flash(_("The session is added."), "success")
            return redirect(url_for("training.edit", training_id=training.id, _anchor="sessions"))
    return _edit_page(training, session_form=form)


def _delete_part(training: Training, parts: list, part_id: int, anchor: str,
                 message: str) -> ResponseReturnValue:
    """Delete a session or a question of ``training`` (404 for another training's)."""
    part = next((p for p in parts if p.id == part_id), None)
    if part is None:
        abort(404)
    if anchor == "sessions":
        services.delete_session(part)
    else:
        services.delete_question(part)
    flash(message, "success")
    return redirect(url_for("training.edit", training_id=training.id, _anchor=anchor))


@routes.post("/<int:training_id>/sessions/<int:session_id>/delete")
def delete_session(training_id: int, session_id: int) -> ResponseReturnValue:
    training = managed_or_403(training_id)
    return _delete_part(training, training.sessions, session_id, "sessions",
                        _("The session is deleted."))


@routes.post("/<int:training_id>/questions")
def add_question(training_id: int) -> ResponseReturnValue:
    training = managed_or_403(training_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(training, form.question_kind.data, form.label.data or "",
                                  form.choices.data or "", form.required.data)
        except services.TrainingError as error:
            form.label.errors = [str(error)]
        else:
            flash(_("The question is added."), "success")
            return redirect(url_for("training.edit", training_id=training.id,
                                    _anchor="questions"))
    return _edit_page(training, question_form=form)


@routes.post("/<int:training_id>/questions/<int:question_id>/delete")
def delete_question(training_id: int, question_id: int) -> ResponseReturnValue:
    training = managed_or_403(training_id)
    return _delete_part(training, training.questions, question_id, "questions",
                        _("The question is deleted."))
