"""The plugin's fixed words: value types, ordinal levels, periodicities, and the column names of
the spreadsheets (the Open SDG layout, the same in every language so files travel)."""

from __future__ import annotations

from crpm_plugins.indicators.catalogue import dimensions_of
from crpm_plugins.indicators.models import Indicator
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

VALUE_TYPE_LABELS = {
    "number": _l("Number"),
    "percentage": _l("Percentage"),
    "ordinal": _l("Policy status (not in place, partly in place, in place)"),
}
ORDINAL_LABELS = {  # the "absent / partially present / present"
    "absent": _l("Not in place"),
    "partial": _l("Partly in place"),
    "present": _l("In place"),
}
PERIODICITY_LABELS = {
    "annual": _l("Every year"),
    "biennial": _l("Every two years"),
    "quinquennial": _l("Every five years"),
    "irregular": _l("Irregular"),
}

# Field → column header of the CSV and XLSX files (Open SDG: Year, Units, …, Value).
COLUMNS = {"period": "Year", "units": "Units", "country": "Country", "value": "Value",
           "notes": "Notes", "source": "Source", "evidence": "Evidence"}


def ordinal_label(level: str) -> str:
    return str(ORDINAL_LABELS[level])


def level_labels(level: str) -> tuple[str, str]:
    """The level's French and English labels, to read files written in either language."""
    labels = []
    for language in ("fr", "en"):
        with force_locale(language):
            labels.append(str(ORDINAL_LABELS[level]))
    return labels[0], labels[1]


def column_titles(indicator: Indicator) -> dict[str, str]:
    """Field → column header, the indicator's disaggregations included."""
    return {**COLUMNS, **{d.code: d.column for d in dimensions_of(indicator)}}


def file_columns(indicator: Indicator, with_units: bool) -> list[str]:
    """Fields in file order: Year, [Units], Country, the disaggregations, Value, Notes, Source
    (and Evidence for a policy status)."""
    fields = ["period", *(["units"] if with_units else []), "country",
              *(d.code for d in dimensions_of(indicator)), "value", "notes", "source"]
    if indicator.value_type == "ordinal":
        fields.append("evidence")
    return fields
