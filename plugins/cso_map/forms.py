"""Forms of the map: filters, proposals, the place editor, moderation, import, confirmation."""

from __future__ import annotations

from crpm_plugins.cso_map.models import GENDER_FOCUSES, PRECISIONS
from crpm_plugins.cso_map.places import PlaceData, ProfileData, coordinates_problems
from crpm_plugins.cso_map.vocabulary import GENDER_FOCUS_LABELS, PRECISION_LABELS
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from crpm_cms.plugin_api import Form, SubForm, VersionField, http_url

_required = DataRequired(message=_l("This field is required."))


def number_or_none(text: str | None) -> float | None:
    """A coordinate typed with a dot or a comma; ``None`` when empty or not a number."""
    if not text or not text.strip():
        return None
    try:
        return float(text.strip().replace(",", ".").replace("\u2212", "-"))
    except ValueError:
        return None


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes: easier than a list box on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MapFilterForm(Form):
    """The GET form above the map and the list; its values stay in the URL."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or acronym"), validators=[Optional(), Length(max=100)])
    country = SelectField(_l("Country"), validate_choice=False)
    kind = SelectField(_l("Kind"), validate_choice=False)
    theme = SelectField(_l("Theme"), validate_choice=False)
    target_group = SelectField(_l("Target group"), validate_choice=False)
    gender_focus = SelectField(_l("Gender focus"), validate_choice=False)


class PlaceForm(SubForm):
    """One place; the coordinates are optional when a known city or the country is enough."""

    country = SelectField(_l("Country of this place"), validate_choice=False)
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=120)])
    latitude = StringField(_l("Latitude"), validators=[Optional(), Length(max=30)])
    longitude = StringField(_l("Longitude"), validators=[Optional(), Length(max=30)])
    precision = SelectField(_l("Shown on the map"),
                            choices=[(code, PRECISION_LABELS[code]) for code in PRECISIONS])

    def validate_latitude(self, field: StringField) -> None:
        self._check("latitude", field)

    def validate_longitude(self, field: StringField) -> None:
        self._check("longitude", field)

    def _check(self, name: str, field: StringField) -> None:
        if field.data and number_or_none(field.data) is None:
            raise ValidationError(_l("Give a number, such as 14.69 or -17.44."))
        problems = coordinates_problems(number_or_none(self.latitude.data),
                                        number_or_none(self.longitude.data))
        if name in problems:
            raise ValidationError(problems[name])

    def is_empty(self) -> bool:
        """Nothing said about this place ("country only" alone is enough to place it)."""
        return self.precision.data != "country" and not any(
            (self.city.data, self.region.data, self.latitude.data, self.longitude.data))

    def place_data(self, country: str) -> PlaceData:
        """The place; its country is the organisation's unless the form names another."""
        return PlaceData(country_code=self.country.data or country,
                         city=(self.city.data or "").strip(),
                         region=(self.region.data or "").strip(),
                         latitude=number_or_none(self.latitude.data),
                         longitude=number_or_none(self.longitude.data),
                         precision=self.precision.data or "exact")


def languages(text: str | None) -> list[str]:
    return [code.strip().lower() for code in (text or "").replace(",", ";").split(";")
            if code.strip()]


class ProfileFields:
    """The directory fields, shared by the proposal form and the editor."""

    target_groups = CheckboxesField(_l("Target groups"), validators=[Optional()])
    gender_focus = SelectField(_l("Gender focus"), choices=[
        (code, GENDER_FOCUS_LABELS[code]) for code in GENDER_FOCUSES])
    working_languages = StringField(_l("Working languages"),
                                    validators=[Optional(), Length(max=120)])

    def profile_data(self) -> ProfileData:
        return ProfileData(list(self.target_groups.data or []),
                           self.gender_focus.data or "none",
                           languages(self.working_languages.data))


class ProposalForm(ProfileFields, Form):
    """A new organisation, or a change to one, proposed for moderation."""

    name = StringField(_l("Name"), validators=[_required, Length(max=255)])
    acronym = StringField(_l("Acronym"), validators=[Optional(), Length(max=40)])
    kind = SelectField(_l("Kind"), validators=[_required])
    country = SelectField(_l("Registration country"), validators=[_required])
    themes = CheckboxesField(_l("Themes"), validators=[Optional()])
    description_fr = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=255), http_url])
    email = EmailField(_l("E-mail address of the organisation"), validators=[
        Optional(), Length(max=254), Email(message=_l("Please enter a valid e-mail address."))])
    place = FormField(PlaceForm, label=_l("Where it works"))
    note = TextAreaField(_l("Message to the focal point"),
                         validators=[Optional(), Length(max=2000)])
    submitter_name = StringField(_l("Your name"), validators=[Optional(), Length(max=120)])
    submitter_email = EmailField(_l("Your e-mail address"), validators=[
        Optional(), Length(max=254), Email(message=_l("Please enter a valid e-mail address."))])


class MapRecordForm(ProfileFields, Form):
    """The editor of an organisation's places and directory fields (focal points, editors)."""

    places = FieldList(FormField(PlaceForm), min_entries=1, max_entries=20)
    verified = BooleanField(_l("I have checked this record with the organisation"))
    version = VersionField()  # the profile's; "0" while the organisation has none


class DecisionForm(Form):
    message = TextAreaField(_l("Message to the person who proposed it"),
                            validators=[Optional(), Length(max=2000)])
    decision = SelectField(_l("Decision"), choices=[("approve", _l("Approve")),
                                                    ("reject", _l("Reject"))])


class ImportForm(Form):
    file = FileField(_l("CSV or XLSX file"))
    dry_run = BooleanField(_l("Only check the file (dry run): write nothing"), default=True)


class ConfirmForm(Form):
    """Only the CSRF token: the button is the confirmation."""


class MapSettingsForm(Form):
    visitor_proposals = BooleanField(
        _l("Visitors without an account may propose organisations"))
