"""Forms of the training plugin (Flask-WTF: CSRF on every POST, translated messages)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from crpm_plugins.training.models import QUESTION_KINDS, Training
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from crpm_cms.plugin_api import Form, VersionField

_required = DataRequired(message=_l("This field is required."))
_time = _l("Enter a date and time.")
QUOTA_ITEM = re.compile(r"^([A-Za-z]{2})\s*[=:]\s*(\d{1,4})$")
QUESTION_KIND_LABELS = dict(zip(QUESTION_KINDS, (
    _l("Free text"), _l("One choice among answers"), _l("Yes or no")), strict=True))


class FilterForm(Form):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind of training"), validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)


class TrainingForm(Form):
    version = VersionField()
    kind = SelectField(_l("Kind of training"), validators=[_required])
    title_fr = StringField(_l("Title in French"), validators=[_required, Length(max=255)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=255)])
    description_fr = TextAreaField(_l("Description in French"),
                                   validators=[Optional(), Length(max=10000)])
    description_en = TextAreaField(_l("Description in English"),
                                   validators=[Optional(), Length(max=10000)])
    objectives_fr = TextAreaField(_l("Objectives in French"),
                                  validators=[Optional(), Length(max=5000)])
    objectives_en = TextAreaField(_l("Objectives in English"),
                                  validators=[Optional(), Length(max=5000)])
    prerequisites_fr = TextAreaField(_l("Prerequisites in French"),
                                     validators=[Optional(), Length(max=5000)])
    prerequisites_en = TextAreaField(_l("Prerequisites in English"),
                                     validators=[Optional(), Length(max=5000)])
    country = SelectField(_l("Country that manages it"), validate_choice=False)
    timezone = SelectField(_l("Time zone of the application window"), validators=[_required])
    target_countries = SelectMultipleField(_l("Target countries"), validators=[Optional()])
    target_kinds = SelectMultipleField(_l("Target organisation kinds"), validators=[Optional()])
    themes = SelectMultipleField(_l("Themes"), coerce=int, validators=[Optional()])
    applications_open = DateField(_l("Applications open on"), validators=[Optional()])
    applications_close = DateField(_l("Applications close on (inclusive)"),
                                   validators=[Optional()])
    capacity = IntegerField(_l("Seats"), validators=[Optional(), NumberRange(
        min=1, max=10000, message=_l("Between 1 and 10,000 seats, or empty for no limit."))])
    offer_days = IntegerField(_l("Days to confirm a seat"), default=7, validators=[
        InputRequired(message=_l("This field is required.")),
        NumberRange(min=1, max=60, message=_l("Between 1 and 60 days."))])
    quota_countries = StringField(_l("Seats per country at most"),
                                  validators=[Optional(), Length(max=200)])
    quota_women = IntegerField(_l("Seats for women at most"), validators=[
        Optional(), NumberRange(min=0, max=10000, message=_l("0 or more seats."))])
    quota_men = IntegerField(_l("Seats for men at most"), validators=[
        Optional(), NumberRange(min=0, max=10000, message=_l("0 or more seats."))])
    published = BooleanField(_l("Published (visible to everyone)"))

    def validate_quota_countries(self, field: Field) -> None:
        country_quotas(field.data or "", self.target_countries.choices or [])

    def validate_applications_close(self, field: Field) -> None:
        opens = self.applications_open.data
        if field.data and opens and field.data < opens:
            raise ValidationError(_l("Applications must close after they open."))


def country_quotas(text: str, choices: Iterable[Any]) -> dict[str, int]:
    """``"SN=5, CI=4"`` as ``{"SN": 5, "CI": 4}``; a wrong item is a form error. ``choices`` are
    the (code, name) pairs of the target countries field, as WTForms keeps them."""
    known = {code for code, _label in choices}
    quotas: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in re.split(r"[,;\n]", text))):
        match = QUOTA_ITEM.match(item)
        if not match or match.group(1).upper() not in known:
            raise ValidationError(_l("Write country codes and seats such as SN=5, CI=4."))
        quotas[match.group(1).upper()] = int(match.group(2))
    return quotas


class SessionForm(Form):
    starts = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M",
                                validators=[InputRequired(message=_time)])
    ends = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M",
                              validators=[InputRequired(message=_time)])
    timezone = SelectField(_l("Time zone"), validators=[_required])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=255)])
    online = BooleanField(_l("Online"))
    trainers = StringField(_l("Trainers"), validators=[Optional(), Length(max=255)])
    language = SelectField(_l("Language"), validators=[_required])


class QuestionForm(Form):
    question_kind = SelectField(_l("Kind of answer"), choices=list(QUESTION_KIND_LABELS.items()))
    label = StringField(_l("Question"), validators=[_required, Length(max=300)])
    choices = TextAreaField(_l("Answers to choose from (one per line)"),
                            validators=[Optional(), Length(max=3000)])
    required = BooleanField(_l("An answer is required"), default=True)


class ActionForm(Form):
    """A button that changes something: only the CSRF token and an optional note."""

    note = StringField(_l("Note for the person (optional)"),
                       validators=[Optional(), Length(max=500)])


class ApplyForm(Form):
    """The intake questions of one training become its fields (``question_<id>``)."""


def apply_form(training: Training) -> ApplyForm:
    """A form class made for this training's questions, instantiated on the request."""

    class TrainingApplyForm(ApplyForm):
        pass

    for question in training.questions:
        validators = ([InputRequired(message=_l("Please answer this question."))]
                      if question.required else [Optional()])
        field: Field
        if question.kind == "text":
            field = TextAreaField(question.label, validators=[*validators, Length(max=2000)])
        elif question.kind == "choice":
            field = RadioField(question.label, choices=[(c, c) for c in question.choice_list],
                               validators=validators)
        else:
            field = RadioField(question.label, validators=validators,
                               choices=[("yes", _l("Yes")), ("no", _l("No"))])
        setattr(TrainingApplyForm, f"question_{question.id}", field)
    return TrainingApplyForm()


class CoachingSlotForm(Form):
    topic = StringField(_l("Topic"), validators=[_required, Length(max=255)])
    coach_email = EmailField(_l("E-mail of the coach (empty: yourself)"), validators=[
        Optional(), Email(message=_l("Please enter a valid e-mail address."))])
    starts = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M",
                                validators=[InputRequired(message=_time)])
    ends = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M",
                              validators=[InputRequired(message=_time)])
    timezone = SelectField(_l("Time zone"), validators=[_required])
    online = BooleanField(_l("Online"), default=True)
    place = StringField(_l("Place"), validators=[Optional(), Length(max=255)])
    language = SelectField(_l("Language"), validators=[_required])
    country = SelectField(_l("Country"), validate_choice=False)

