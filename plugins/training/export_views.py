"""Downloads: participant lists (CSV, XLSX: formula-safe, through the core's export helpers) and
participation figures by country, organisation kind and sex over time — aggregates from the
core registrations service, small cells merged."""

from __future__ import annotations

from typing import Any

from crpm_plugins.training import applications, attendance, cohort
from crpm_plugins.training.review_views import reviewed_or_404
from crpm_plugins.training.services import OWNER
from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from crpm_cms.plugin_api import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Routes,
    countries,
    csv_bytes,
    download,
    registrations,
    require,
    terms,
    xlsx_bytes,
)

routes = Routes()  # added to the plugin's blueprint by register_blueprints

BREAKDOWNS = ("country", "organisation_kind", "sex")
PERIODS = ("year", "month")


def participant_table(training_id: int) -> tuple[list[str], list[list[Any]], str]:
    """Header, rows and file stem of a training's participant list, for this reviewer."""
    training = reviewed_or_404(training_id)
    rows = applications.review_list(training, current_user)
    present = attendance.sessions_attended(training)
    questions = training.questions
    header = [_("Position on the waiting list"), _("Name"), _("E-mail"), _("State"),
              _("Organisation"), _("Organisation kind"), _("Country"), _("Sex"),
              _("Applied on"), _("Sessions attended"), *[q.label for q in questions]]
    table = []
    for row in rows:
        registration = row.registration
        answers = registration.answers or {}
        table.append([
            row.position, registration.user.display_name, registration.user.email,
            str(registrations.STATE_LABELS[registration.state]),
            row.organisation.name if row.organisation else "",
            row.organisation.kind if row.organisation else "", row.country or "",
            registration.sex or "", registration.queued_at.date(), present[registration.id],
            *[answers.get(str(q.id), "") for q in questions]])
    return header, table, f"training-{training.id}-participants"


@routes.get("/<int:training_id>/participants.<any(csv, xlsx):file_format>")
def participants(training_id: int, file_format: str) -> ResponseReturnValue:
    header, rows, stem = participant_table(training_id)
    if file_format == "csv":
        return download(csv_bytes(header, rows), f"{stem}.csv", CSV_MEDIA_TYPE)
    return download(xlsx_bytes(header, rows, _("Number of participants")), f"{stem}.xlsx",
                    XLSX_MEDIA_TYPE)


def figures() -> tuple[str, str, list[dict[str, str | int | bool]]]:
    """The breakdown and period asked for, and the service's aggregate rows (newest first)."""
    require("training.manage")
    by = request.args.get("by", "country")
    period = request.args.get("period", "year")
    if by not in BREAKDOWNS or period not in PERIODS:
        abort(400)
    rows = registrations.participation_statistics(OWNER, by=(period, by))
    rows.sort(key=lambda row: (bool(row["merged"]), str(row[period])), reverse=False)
    return by, period, rows


def value_labels(by: str) -> dict[str, str]:
    """Readable names of the values the service counts by (codes otherwise)."""
    if by == "country":
        labels = {c.code: c.name for c in countries()}
    elif by == "organisation_kind":
        labels = {t.code: t.label for t in terms("organisation_kind")}
    else:
        labels = {code: str(label) for code, label in cohort.SEX_LABELS.items()}
    return {**labels, "unknown": _("Not stated")}


@routes.get("/statistics")
def statistics() -> ResponseReturnValue:
    by, period, rows = figures()
    return render_template("training/statistics.html", by=by, period=period, rows=rows,
                           labels=value_labels(by), breakdowns=cohort.DIMENSIONS)


@routes.get("/statistics.csv")
def statistics_csv() -> ResponseReturnValue:
    by, period, rows = figures()
    labels = value_labels(by)
    other = _("Other (small groups merged)")
    table = [[other if row["merged"] else row[period],
              other if row["merged"] else labels.get(str(row[by]), str(row[by])), row["count"]]
             for row in rows]
    header = [_("Period"), str(cohort.DIMENSIONS[by]), _("Number of participants")]
    return download(csv_bytes(header, table), f"training-participation-{by}.csv",
                    CSV_MEDIA_TYPE)
