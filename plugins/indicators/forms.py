"""Forms of the indicators plugin. The cell-by-cell checks live in ``validation.py`` (shared with
the upload and the API); these forms carry the fields, their labels and the CSRF token."""

from __future__ import annotations

from crpm_plugins.indicators.catalogue import dimensions_of
from crpm_plugins.indicators.models import ORDINAL_LEVELS, Indicator
from crpm_plugins.indicators.services import STATUS_LABELS
from crpm_plugins.indicators.vocabulary import ORDINAL_LABELS
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import Field, SelectField, StringField, TextAreaField

from crpm_cms.plugin_api import Form


class ValueForm(Form):
    """One value; a select for each disaggregation is added by ``value_form``."""

    country = SelectField(_l("Country"), validate_choice=False)
    period = StringField(_l("Year or period"))
    value: Field = StringField(_l("Value"))  # a select for an ordinal indicator
    notes = TextAreaField(_l("Observation notes"))
    source = StringField(_l("Source"))
    evidence = TextAreaField(_l("Evidence (one link per line: title | address)"))


def value_form(indicator: Indicator, countries: list[tuple[str, str]]) -> ValueForm:
    """The form for this indicator: its disaggregations as selects (total first), the value as
    a select of policy statuses for an ordinal indicator."""

    class IndicatorValueForm(ValueForm):
        pass

    for dimension in dimensions_of(indicator):
        setattr(IndicatorValueForm, dimension.code, SelectField(
            dimension.label, choices=[(v.code, v.label) for v in dimension.values],
            validate_choice=False))
    if indicator.value_type == "ordinal":
        IndicatorValueForm.value = SelectField(
            _l("Policy status"), validate_choice=False,
            choices=[(str(i), ORDINAL_LABELS[level]) for i, level in enumerate(ORDINAL_LEVELS)])
    form = IndicatorValueForm()
    form.country.choices = countries
    return form


class UploadForm(Form):
    file = FileField(_l("Filled-in template (XLSX) or CSV file"),
                     validators=[FileRequired(message=_l("Choose a file to send."))])


class StatusForm(Form):
    country = SelectField(_l("Country"), validate_choice=False)
    status = SelectField(_l("Reporting status"), validate_choice=False,
                         choices=list(STATUS_LABELS.items()))


class DeleteForm(Form):
    """Only the CSRF token: the value to delete is in the address."""
