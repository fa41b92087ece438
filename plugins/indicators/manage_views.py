"""Where focal points change values: the form, the XLSX template, the upload with its dry run,
the reporting status and deletion. Every page needs ``indicators.enter``; each country's values
may only be changed by the focal points of that country (and admins)."""

from __future__ import annotations

from typing import Any

from crpm_plugins.indicators import services
from crpm_plugins.indicators.catalogue import dimensions_of
from crpm_plugins.indicators.exports import evidence_text, number_cell, xlsx_template
from crpm_plugins.indicators.forms import DeleteForm, StatusForm, UploadForm, value_form
from crpm_plugins.indicators.models import Indicator, IndicatorValue
from crpm_plugins.indicators.upload import FileRefused, plan_upload
from crpm_plugins.indicators.validation import Plan, RowChecker
from crpm_plugins.indicators.views import indicator_or_404
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from crpm_cms.plugin_api import XLSX_MEDIA_TYPE, Routes, db, download, require

routes = Routes()  # added to the plugin's blueprint by register_blueprints


def enterable(code: str) -> Indicator:
    """The indicator, for someone who may enter values; computed series have nothing to enter."""
    require(services.ENTER)
    indicator = indicator_or_404(code)
    if indicator.computed:
        abort(404)
    return indicator


def my_countries() -> list[tuple[str, str]]:
    allowed = services.entry_countries(current_user)
    return [(code, country.name) for code, country in services.country_map().items()
            if allowed is None or code in allowed]


# -- the form ------------------------------------------------------------------------------------


def form_cells(indicator: Indicator, form: Any) -> dict[str, Any]:
    cells = {name: getattr(form, name).data for name in
             ("country", "period", "value", "notes", "source", "evidence")}
    cells.update({d.code: getattr(form, d.code).data for d in dimensions_of(indicator)})
    return cells


def prefill(indicator: Indicator, form: Any) -> None:
    """Open the form on an existing value (``?country=SN&period=2023&sex=F``) to correct it."""
    for name in ("country", "period", *(d.code for d in dimensions_of(indicator))):
        if request.args.get(name):
            getattr(form, name).data = request.args[name]
    existing = next((value for value in services.stored_values(indicator, {form.country.data})
                     if value.period == form.period.data and all(
                         value.dimension(d.code) == getattr(form, d.code).data
                         for d in dimensions_of(indicator))), None)
    if existing is not None:
        form.value.data = str(number_cell(existing.value))
        form.notes.data, form.source.data = existing.notes, existing.source
        form.evidence.data = "\n".join(evidence_text([link]) for link in existing.evidence)


@routes.route("/<code>/enter", methods=["GET", "POST"])
def enter(code: str) -> ResponseReturnValue:
    indicator = enterable(code)
    form = value_form(indicator, my_countries())
    if not form.is_submitted():
        prefill(indicator, form)
    elif form.validate():
        names = {name: name for name in form_cells(indicator, form)}
        checker = RowChecker(indicator, services.entry_countries(current_user),
                             blank_is_total=False, titles=names)
        entry, problems = checker.check(1, form_cells(indicator, form))
        for problem in problems:
            getattr(form, problem.column).errors = [*getattr(form, problem.column).errors,
                                                    problem.reason]
        if entry is not None:
            result = services.save_entries(indicator, [entry], current_user)
            flash(_("The value has been saved.") if result.added or result.changed
                  else _("This value was already saved; nothing changed."), "success")
            return redirect(url_for("indicators.enter", code=indicator.code,
                                    country=entry.country_code))
    countries = {code for code, _name in my_countries()}
    return render_template(
        "indicators/enter.html", indicator=indicator, form=form,
        dimensions=dimensions_of(indicator), delete_form=DeleteForm(),
        countries=services.country_map(),
        values=services.stored_values(indicator, countries)
    ), 400 if form.is_submitted() else 200


# -- spreadsheets ----------------------------------------------------------------------------------


@routes.get("/<code>/template.xlsx")
def template(code: str) -> ResponseReturnValue:
    indicator = enterable(code)
    countries = [code for code, _name in my_countries()]
    body = xlsx_template(indicator, services.stored_values(indicator, set(countries)), countries)
    return download(body, f"{indicator.code}-template.xlsx", XLSX_MEDIA_TYPE)


def upload_page(indicator: Indicator, form: UploadForm, plan: Plan | None, status: int,
                checked_only: bool = False) -> ResponseReturnValue:
    return render_template("indicators/upload.html", indicator=indicator, form=form, plan=plan,
                           checked_only=checked_only), status


@routes.route("/<code>/upload", methods=["GET", "POST"])
def upload(code: str) -> ResponseReturnValue:
    """A dry run lists every bad cell; the values are saved only from a clean file, and only
    when the person asked for it (``action=import``)."""
    indicator = enterable(code)
    form = UploadForm()
    if not form.is_submitted():
        return upload_page(indicator, form, None, 200)
    if not form.validate():
        return upload_page(indicator, form, None, 400)
    try:
        plan = plan_upload(indicator, form.file.data.read(),
                           services.entry_countries(current_user))
    except FileRefused as error:
        form.file.errors = [str(error)]
        return upload_page(indicator, form, None, 400)
    if not plan.clean:
        return upload_page(indicator, form, plan, 400)
    if request.form.get("action") != "import":
        return upload_page(indicator, form, plan, 200, checked_only=True)
    result = services.save_entries(indicator, plan.entries, current_user)
    flash(_("File imported: %(added)s value(s) added, %(changed)s changed, %(unchanged)s "
            "unchanged.", added=result.added, changed=result.changed,
            unchanged=result.unchanged), "success")
    return redirect(url_for("indicators.indicator", code=indicator.code))


# -- status and deletion ---------------------------------------------------------------------------


@routes.post("/<code>/status")
def set_status(code: str) -> ResponseReturnValue:
    indicator = enterable(code)
    form = StatusForm()
    known = form.country.data in services.country_map()
    if not (form.validate() and known and form.status.data in services.STATUS_LABELS):
        abort(400)  # the page only offers valid choices: anything else was typed by hand
    if not services.may_enter(current_user, form.country.data):
        abort(403)
    services.set_status(indicator, form.country.data, form.status.data, current_user)
    flash(_("The reporting status has been saved."), "success")
    return redirect(url_for("indicators.indicator", code=indicator.code))


@routes.post("/values/<int:value_id>/delete")
def delete_value(value_id: int) -> ResponseReturnValue:
    require(services.ENTER)
    value = db.session.get(IndicatorValue, value_id)
    if value is None:
        abort(404)
    if not services.may_enter(current_user, value.country_code):
        abort(403)
    if not DeleteForm().validate():
        abort(400)
    code, country = value.indicator.code, value.country_code
    services.delete_value(value, current_user)
    flash(_("The value has been deleted."), "success")
    return redirect(url_for("indicators.enter", code=code, country=country))
