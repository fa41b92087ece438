"""Forms of the editor: the item form, workflow and restore buttons, the publications filter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from crpm_cms.content.models import BODY_LENGTH, SUMMARY_LENGTH, TITLE_LENGTH
from crpm_cms.forms import Form
from crpm_cms.users.forms import LANGUAGE_CHOICES

_required = DataRequired(message=_l("This field is required."))
_date = _l("Enter a date and time, for example 2025-03-01 09:30.")
PAGE_LABELS = {"about": _l("About us"), "contact": _l("Contact"), "legal": _l("Legal notice"),
               "privacy": _l("Privacy")}


def needs_alt(upload_field: FileField, alt_field: StringField) -> None:
    """An image without alternative text is refused: the text is what a screen reader says."""
    upload = upload_field.data
    if upload and getattr(upload, "filename", "") and not (alt_field.data or "").strip():
        alt_field.errors = [*alt_field.errors,
                            _l("Describe the image in a few words (alternative text).")]


class ContentForm(Form):
    """One form for news, publications and pages; the view removes what a kind does not use."""

    version = IntegerField(widget=HiddenInput(), validators=[
        InputRequired(message=_l("The form is incomplete; reload the page.")), NumberRange(1)])
    page = SelectField(_l("Page"), choices=list(PAGE_LABELS.items()))
    title = StringField(_l("Title"), validators=[_required, Length(max=TITLE_LENGTH)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=SUMMARY_LENGTH)])
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=BODY_LENGTH)],
                         render_kw={"data-editor": "", "rows": 16})
    image = FileField(_l("Image file"))
    image_alt = StringField(_l("Alternative text of this image"),
                            validators=[Optional(), Length(max=255)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    translation_of = SelectField(_l("Translation of"), coerce=int)
    country = SelectField(_l("Country"))
    document_type = SelectField(_l("Type of publication"), validators=[_required])
    themes = SelectMultipleField(_l("Themes"), coerce=int, validators=[Optional()])
    organisations = SelectMultipleField(_l("Author organisations"), coerce=int,
                                        validators=[Optional()])
    featured = BooleanField(_l("Featured on the home page"))
    publish_at = DateTimeLocalField(_l("Publication date"), format=["%Y-%m-%dT%H:%M",
                                                                    "%Y-%m-%d %H:%M"],
                                    validators=[Optional()], render_kw={"step": 60})
    expires_at = DateTimeLocalField(_l("Expiry date"), format=["%Y-%m-%dT%H:%M",
                                                               "%Y-%m-%d %H:%M"],
                                    validators=[Optional()], render_kw={"step": 60})
    cover_image = FileField(_l("Cover image"))
    cover_alt = StringField(_l("Alternative text of the cover image"),
                            validators=[Optional(), Length(max=255)])
    remove_cover = BooleanField(_l("Remove the cover image"))

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = super().validate(extra_validators)
        needs_alt(self.image, self.image_alt)
        if "cover_image" in self:
            needs_alt(self.cover_image, self.cover_alt)
        for name in ("publish_at", "expires_at"):
            date_field = getattr(self, name)
            if date_field.errors:
                date_field.errors = [_date]
        return valid and not self.image_alt.errors and not (
            "cover_alt" in self and self.cover_alt.errors)


class ActionForm(Form):
    """A workflow button: only the CSRF token, the action is in the URL."""


class RestoreForm(Form):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(1)])


class PublicationFilter(Form):
    """The GET filter above the publications; its value stays in the URL."""

    class Meta:
        csrf = False

    type = SelectField(_l("Type"), validate_choice=False)
