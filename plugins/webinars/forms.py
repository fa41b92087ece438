"""Forms of the calendar: the event (with its speakers and materials), the list filters, the
viewer's time zone, and the small CSRF-only forms behind buttons."""

from __future__ import annotations

from crpm_plugins.webinars.services import EventData, MaterialData, SpeakerData
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from crpm_cms.plugin_api import Form, SubForm

TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
TIME_MESSAGE = _l("Enter a date and time such as 2027-02-25 10:00.")
_required = DataRequired(message=_l("This field is required."))

FORMAT_LABELS = {"online": _l("Online"), "in_person": _l("In person"), "hybrid": _l("Hybrid")}
STATUS_LABELS = {"scheduled": _l("Scheduled"), "postponed": _l("Postponed"),
                 "cancelled": _l("Cancelled")}
MATERIAL_LABELS = {"recording": _l("Recording"), "slides": _l("Slides"), "report": _l("Report")}
GENDER_LABELS = {"woman": _l("Woman"), "man": _l("Man"), "other": _l("Other")}
# The genders people declare on their account (statistics use them; the core's values).
SEX_LABELS = {**GENDER_LABELS, "undisclosed": _l("Prefers not to say")}
LANGUAGE_LABELS = {"fr": _l("French"), "en": _l("English"), "ar": _l("Arabic"),
                   "pt": _l("Portuguese")}


class LocalTimeField(DateTimeLocalField):
    """A wall-clock date and time (no zone: the event's zone says how to read it), with our
    own message when what was typed is not a date."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(TIME_MESSAGE)) from None


def _time_field(label: str, required: bool) -> LocalTimeField:
    # InputRequired, not DataRequired: the latter would hide "not a date" behind "required".
    checks = [InputRequired(message=_l("This field is required."))] if required else [Optional()]
    return LocalTimeField(label, format=TIME_FORMATS, validators=checks)


class SpeakerForm(SubForm):
    name = StringField(_l("Speaker's name"), validators=[Optional(), Length(max=160)])
    affiliation = StringField(_l("Organisation or role"), validators=[Optional(),
                                                                      Length(max=255)])
    gender = SelectField(_l("Gender (self-declared, optional)"), validate_choice=False,
                         choices=[("", _l("Not declared")), *GENDER_LABELS.items()])


class MaterialForm(SubForm):
    kind = SelectField(_l("Kind of material"), validate_choice=False,
                       choices=list(MATERIAL_LABELS.items()))
    title = StringField(_l("Title of the material"), validators=[Optional(), Length(max=255)])
    url = StringField(_l("Link (recording)"), validators=[Optional(), Length(max=500)])
    document = StringField(_l("Library document (its address or slug)"),
                           validators=[Optional(), Length(max=300)])


class EventForm(Form):
    """The event; the view sets the choices of the select fields."""

    # The event's SEQUENCE when the form was filled: a save over someone else's is refused.
    sequence = HiddenField()

    kind = SelectField(_l("Kind of event"), validators=[_required], validate_choice=False)
    title_fr = StringField(_l("Title in French"), validators=[Optional(), Length(max=255)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=255)])
    description_fr = TextAreaField(_l("Description in French"),
                                   validators=[Optional(), Length(max=20000)])
    description_en = TextAreaField(_l("Description in English"),
                                   validators=[Optional(), Length(max=20000)])
    timezone = SelectField(_l("Time zone of the event"), validators=[_required],
                           validate_choice=False)
    starts_local = _time_field(_l("Starts (in the event's time zone)"), True)
    ends_local = _time_field(_l("Ends (in the event's time zone)"), True)
    format = SelectField(_l("Format"), choices=list(FORMAT_LABELS.items()),
                         validate_choice=False)
    place = StringField(_l("Place"), validators=[Optional(), Length(max=255)])
    joining_url = StringField(_l("Joining link (sent to registered people only)"),
                              validators=[Optional(), Length(max=500)])
    language = SelectField(_l("Working language"), choices=list(LANGUAGE_LABELS.items()),
                           validate_choice=False)
    capacity = IntegerField(_l("Seats (empty: unlimited)"), validators=[
        Optional(), NumberRange(min=1, max=100_000, message=_l(
            "Give a number of seats from 1 to 100000, or leave it empty."))])
    registration_opens_local = _time_field(_l("Registration opens (optional)"), False)
    registration_closes_local = _time_field(_l("Registration closes (optional; default: at "
                                               "the start)"), False)
    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()),
                         validate_choice=False)
    organisers = SelectMultipleField(_l("Organisers"), coerce=int, validate_choice=False)
    countries = SelectMultipleField(_l("Countries"), validate_choice=False)
    themes = SelectMultipleField(_l("Themes"), validate_choice=False)
    speakers = FieldList(FormField(SpeakerForm), min_entries=3, max_entries=40)
    materials = FieldList(FormField(MaterialForm), min_entries=2, max_entries=20)

    def data_for_service(self) -> EventData:
        """The form's values, once ``validate`` passed."""
        starts, ends = self.starts_local.data, self.ends_local.data
        assert starts is not None and ends is not None, "both are required"
        speakers = [SpeakerData(s["name"], s["affiliation"] or "", s["gender"] or None)
                    for s in self.speakers.data if (s["name"] or "").strip()]
        materials = [MaterialData(m["kind"], m["title"] or "", (m["url"] or "").strip(),
                                  (m["document"] or "").strip())
                     for m in self.materials.data
                     if (m["url"] or "").strip() or (m["document"] or "").strip()]
        return EventData(
            kind=self.kind.data or "", timezone=self.timezone.data or "",
            starts_local=starts, ends_local=ends,
            title_fr=self.title_fr.data or "", title_en=self.title_en.data or "",
            description_fr=self.description_fr.data or "",
            description_en=self.description_en.data or "", format=self.format.data or "",
            place=self.place.data or "", joining_url=(self.joining_url.data or "").strip(),
            language=self.language.data or "", capacity=self.capacity.data,
            registration_opens_local=self.registration_opens_local.data,
            registration_closes_local=self.registration_closes_local.data,
            status=self.status.data or "", organisation_ids=list(self.organisers.data or []),
            country_codes=list(self.countries.data or []),
            theme_codes=list(self.themes.data or []), speakers=speakers, materials=materials)


class FilterForm(Form):
    """The GET filters above the lists; their values stay in the URL."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind of event"), validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)
    theme = SelectField(_l("Theme"), validate_choice=False)
    format = SelectField(_l("Format"), validate_choice=False)


class ZoneForm(Form):
    timezone = SelectField(_l("My time zone"), validate_choice=False)


class ButtonForm(Form):
    """Only the CSRF token: register, cancel my registration, reset my feed address."""
