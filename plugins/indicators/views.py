"""``/indicators/``: frameworks, indicator pages with their chart and table, country pages, the
completeness report and the CSV downloads. Anyone may read them; ``manage_views.py`` holds the pages
where focal points change values."""

from __future__ import annotations

from collections import defaultdict

from crpm_plugins.indicators import services, tables
from crpm_plugins.indicators.catalogue import dimensions_of
from crpm_plugins.indicators.completeness import completeness
from crpm_plugins.indicators.exports import open_sdg_csv
from crpm_plugins.indicators.figures import (
    SEX,
    Selection,
    breakdown_label,
    formatter,
    gender_figure,
    main_figure,
    varying_dimension,
)
from crpm_plugins.indicators.forms import StatusForm
from crpm_plugins.indicators.models import TOTAL, Indicator, IndicatorValue
from crpm_plugins.indicators.publications import publication_links
from crpm_plugins.indicators.vocabulary import PERIODICITY_LABELS, VALUE_TYPE_LABELS
from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crpm_cms.plugin_api import CSV_MEDIA_TYPE, db, download

blueprint = Blueprint("indicators", __name__, url_prefix="/indicators",
                      template_folder="templates", static_folder="static")


def wants_csv() -> bool:
    """``?format=csv``: the page's table as a file."""
    return request.args.get("format") == "csv"


def indicator_or_404(code: str) -> Indicator:
    indicator = services.indicator_by_code(code)
    if indicator is None:
        abort(404)
    return indicator


@blueprint.get("/")
def index() -> ResponseReturnValue:
    indicators = services.all_indicators()
    return render_template("indicators/index.html", indicators=indicators,
                           frameworks=services.all_frameworks(),
                           countries=services.country_map(),
                           value_types=VALUE_TYPE_LABELS)


@blueprint.get("/frameworks/<code>")
def framework(code: str) -> ResponseReturnValue:
    found = services.framework_by_code(code)
    if found is None:
        abort(404)
    indicators = services.indicators_of(found)
    by_target = defaultdict(list)
    for indicator in indicators:
        for target in indicator.targets:
            by_target[target.id].append(indicator)
    statuses = services.status_table(indicators)
    if wants_csv():
        return tables.framework_statuses(found, indicators, statuses,
                                         list(services.country_map()))
    return render_template("indicators/framework.html", framework=found, indicators=indicators,
                           by_target=by_target, statuses=statuses,
                           countries=services.country_map(), labels=services.STATUS_LABELS)


# -- an indicator --------------------------------------------------------------------------------


def selection_from(indicator: Indicator) -> Selection:
    """The filters in the address; an unknown country or value falls back to all / total."""
    country = request.args.get("country", "")
    picks = {}
    for dimension in dimensions_of(indicator):
        asked = request.args.get(dimension.code, TOTAL)
        picks[dimension.code] = asked if dimension.value(asked) else TOTAL
    return Selection(country if country in services.country_map() else None, picks)


def figure_title(indicator: Indicator, selection: Selection) -> str:
    """``Indicator — Senegal, Women``: the scope of the chart in words."""
    parts = [services.country_map()[selection.country].name if selection.country
             else _("All countries")]
    varying = varying_dimension(indicator, selection)
    for dimension in dimensions_of(indicator):
        value = dimension.value(selection.picks[dimension.code])
        if value is not None and value.code != TOTAL and dimension != varying:
            parts.append(value.label)
    return f"{indicator.name} — {', '.join(parts)}"


@blueprint.get("/<code>")
def indicator(code: str) -> ResponseReturnValue:
    found = indicator_or_404(code)
    selection = selection_from(found)
    observations = services.observations(found)
    allowed = services.entry_countries(current_user)
    entry_choices = [(c, country.name) for c, country in services.country_map().items()
                     if allowed is None or c in allowed]
    status_form = None
    if services.may_enter(current_user) and not found.computed:
        status_form = StatusForm()
        status_form.country.choices = entry_choices
    chosen = [o for o in observations if selection.matches(o)]
    return render_template(
        "indicators/indicator.html", indicator=found, selection=selection,
        figure=main_figure(found, observations, selection, figure_title(found, selection)),
        gender=gender_figure(found, observations, selection),
        details=[o for o in chosen if o.notes or o.evidence],
        sources=sorted({o.source for o in chosen if o.source}),
        breakdown_label=lambda o: breakdown_label(found, o.breakdown),
        dimensions=dimensions_of(found), countries=services.country_map(),
        statuses=services.status_table([found]), labels=services.STATUS_LABELS,
        periodicity=PERIODICITY_LABELS.get(found.periodicity, found.periodicity),
        value_type=VALUE_TYPE_LABELS[found.value_type], fmt=formatter(found),
        publications=publication_links(found), status_form=status_form,
        may_enter=services.may_enter(current_user) and not found.computed)


@blueprint.get("/<code>/data.csv")
def data_csv(code: str) -> ResponseReturnValue:
    """Every value, or those of the chart it is linked from (``country``, a disaggregation:
    repeatable, e.g. ``?sex=F&sex=M``)."""
    found = indicator_or_404(code)
    wanted = {name: set(request.args.getlist(name)) for name in
              ["country", *(d.code for d in dimensions_of(found))] if request.args.getlist(name)}
    rows = [o for o in services.observations(found)
            if ("country" not in wanted or o.country_code in wanted["country"])
            and all(o.dimension(name) in codes for name, codes in wanted.items()
                    if name != "country")]
    return download(open_sdg_csv(found, rows), f"{found.code}.csv", CSV_MEDIA_TYPE)


# -- countries and completeness ------------------------------------------------------------------


def latest_by_indicator(country: str) -> dict[int, dict[str, object]]:
    """For each indicator: its latest period for ``country`` and the total, women and men
    values of that period. One query for every entered indicator."""
    rows = db.session.scalars(select(IndicatorValue).where(IndicatorValue.country_code == country)
                              .order_by(IndicatorValue.year, IndicatorValue.period))
    latest: dict[int, dict[str, object]] = {}
    for row in rows:
        entry = latest.setdefault(row.indicator_id, {"period": row.period})
        if entry["period"] != row.period:
            entry.clear()
            entry["period"] = row.period
        if len(row.breakdown or {}) <= 1:
            entry[row.breakdown_key] = row.value
    return latest


@blueprint.get("/countries/<code>")
def country(code: str) -> ResponseReturnValue:
    found = services.country_map().get(code)
    if found is None:
        abort(404)
    indicators = services.all_indicators()
    latest, statuses = latest_by_indicator(code), services.status_table(indicators)
    if wants_csv():
        return tables.latest_values(found, indicators, latest, statuses)
    report = completeness(indicators, [code])[0]
    return render_template(
        "indicators/country.html", country=found, indicators=indicators, report=report,
        latest=latest, statuses=statuses,
        labels=services.STATUS_LABELS, formatters={i.id: formatter(i) for i in indicators},
        sex=SEX, may_enter=services.may_enter(current_user, code))


@blueprint.get("/completeness")
def completeness_report() -> ResponseReturnValue:
    chosen = services.framework_by_code(request.args.get("framework", ""))
    indicators = services.indicators_of(chosen) if chosen else services.all_indicators()
    report = completeness(indicators)
    if wants_csv():
        return tables.completeness_report(report)
    return render_template("indicators/completeness.html", report=report,
                           framework=chosen, frameworks=services.all_frameworks())
