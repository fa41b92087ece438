"""``/api/v1/indicators``: the definitions, and each indicator's values to read (anyone) or to
write (a focal point's personal token, for the token holder's countries only).

Writes take the same cell checks as the form and the spreadsheet: all values are stored or none.
"""

from __future__ import annotations

from typing import Any

from crpm_plugins.indicators import services
from crpm_plugins.indicators.catalogue import dimensions_of
from crpm_plugins.indicators.models import Indicator
from crpm_plugins.indicators.validation import RowChecker, plan_rows
from crpm_plugins.indicators.views import indicator_or_404
from crpm_plugins.indicators.vocabulary import COLUMNS
from flask import Blueprint, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from crpm_cms.plugin_api import bearer_user, csrf, whole_number_in

blueprint = Blueprint("indicators_api", __name__, url_prefix="/api/v1/indicators")
csrf.exempt(blueprint)  # writes need a Bearer token; a browser's cookie is never enough

MAX_ITEMS = 5000


def indicator_json(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code, "name": indicator.name, "name_fr": indicator.name_fr,
        "name_en": indicator.name_en, "unit": indicator.unit, "value_type": indicator.value_type,
        "periodicity": indicator.periodicity, "disaggregations": list(indicator.disaggregations),
        "computed": indicator.computed,
        "frameworks": [{"framework": t.framework.code, "target": t.code}
                       for t in indicator.targets],
        "url": url_for("indicators.indicator", code=indicator.code, _external=True),
        "csv_url": url_for("indicators.data_csv", code=indicator.code, _external=True),
        "data_url": url_for("indicators_api.data", code=indicator.code, _external=True),
    }


def refuse(status: int, error: str, message: str, **extra: Any) -> ResponseReturnValue:
    response = jsonify(error=error, message=message, **extra)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response, status


@blueprint.get("")
def list_indicators() -> ResponseReturnValue:
    return jsonify(results=[indicator_json(i) for i in services.all_indicators()])


@blueprint.get("/<code>/data")
def data(code: str) -> ResponseReturnValue:
    indicator = indicator_or_404(code)
    country, year = request.args.get("country"), whole_number_in(request.args.get("year"), 1, 9999)
    picks = {d.code: request.args[d.code] for d in dimensions_of(indicator)
             if request.args.get(d.code)}
    rows = [o for o in services.observations(indicator)
            if (not country or o.country_code == country) and (not year or o.year == year)
            and all(o.dimension(name) == value for name, value in picks.items())]
    return jsonify(indicator=indicator.code, unit=indicator.unit, results=[{
        "country": o.country_code, "period": o.period, "year": o.year,
        "breakdown": dict(o.breakdown), "value": o.value, "notes": o.notes,
        "source": o.source, "evidence": list(o.evidence)} for o in rows])


def item_cells(indicator: Indicator, item: Any) -> dict[str, Any]:
    """A JSON value as the cells the checker reads; the breakdown's missing keys are totals."""
    if not isinstance(item, dict):
        return {"value": None}
    breakdown = item.get("breakdown")
    if not isinstance(breakdown, dict):
        breakdown = {}
    evidence = item.get("evidence")
    if not isinstance(evidence, list):
        evidence = []
    cells = {name: item.get(name) for name in ("country", "period", "value", "notes", "source")}
    cells["evidence"] = "\n".join(
        f"{link.get('title', '')} | {link.get('url', '')}" for link in evidence
        if isinstance(link, dict))
    cells.update({d.code: breakdown.get(d.code) for d in dimensions_of(indicator)})
    return cells


def field_names(indicator: Indicator) -> dict[str, str]:
    return {**{name: name for name in COLUMNS},
            **{d.code: f"breakdown.{d.code}" for d in dimensions_of(indicator)}}


@blueprint.post("/<code>/data")
def write_data(code: str) -> ResponseReturnValue:
    user = bearer_user()
    if user is None:
        return refuse(401, _("Authentication required"),
                      _("Send a personal token: Authorization: Bearer <token>."))
    if not services.may_enter(user):
        return refuse(403, _("Access denied"), _("The account of this token may not do this."))
    indicator = indicator_or_404(code)
    if indicator.computed:
        return refuse(400, _("Invalid request"), _("This series is computed from "
                                                   "registrations; its values cannot be entered."))
    body = request.get_json(silent=True)
    items = body.get("values") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or len(items) > MAX_ITEMS:
        return refuse(400, _("Invalid request"), _(
            "Send JSON {\"values\": [...]} with 1 to %(max)s values.", max=MAX_ITEMS))
    checker = RowChecker(indicator, None, blank_is_total=True, titles=field_names(indicator))
    plan = plan_rows(checker, [(n, item_cells(indicator, item))
                               for n, item in enumerate(items, start=1)])
    allowed = services.entry_countries(user)
    named = {checker.country_lookup.get(str(item.get("country", "")).casefold())
             for item in items if isinstance(item, dict)}
    forbidden = sorted(c for c in named if c and allowed is not None and c not in allowed)
    if forbidden:
        return refuse(403, _("Access denied"), _(
            "The account of this token may not enter values for %(countries)s.",
            countries=", ".join(checker.countries[c].name for c in forbidden)))
    if not plan.clean:
        return jsonify(error=_("Invalid values"), problems=[
            {"item": p.row, "field": p.column, "message": p.reason} for p in plan.problems]), 400
    if isinstance(body, dict) and body.get("dry_run") is True:
        return jsonify(dry_run=True, checked=len(plan.entries))
    result = services.save_entries(indicator, plan.entries, user)
    return jsonify(dry_run=False, added=result.added, changed=result.changed,
                   unchanged=result.unchanged)
