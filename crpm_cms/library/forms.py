"""Forms of the library: the list filters, the document's metadata, the upload, the deletion."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from crpm_cms.forms import Form
from crpm_cms.library.models import ACCESS_LEVELS
from crpm_cms.versions import VersionField

ACCESS_LABELS = {"public": _l("Public: everyone can read and download it"),
                 "members": _l("Members only: hidden from visitors who are not signed in")}

_required = DataRequired(message=_l("This field is required."))


class FilterForm(Form):
    """The GET form above the list; its values stay in the URL. ``lang`` is taken by the
    interface language, hence ``language``."""

    class Meta:
        csrf = False

    q = SearchField(_l("Title"), validators=[Optional(), Length(max=100)])
    type = SelectField(_l("Type"), validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)
    theme = SelectField(_l("Theme"), validate_choice=False)
    year = SelectField(_l("Year"), validate_choice=False)
    language = SelectField(_l("Language"), validate_choice=False)


class DocumentForm(Form):
    """A document's metadata; the choices are set by the view."""

    title = StringField(_l("Title"), validators=[_required, Length(max=255)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=10000)])
    version = VersionField()
    document_type = SelectField(_l("Type of document"), validators=[_required])
    language = SelectField(_l("Language of the document"), validators=[_required])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(
        min=1900, max=2100, message=_l("Enter a year such as 2024."))])
    countries = SelectMultipleField(_l("Countries"), validators=[Optional()])
    themes = SelectMultipleField(_l("Themes"), validators=[Optional()])
    organisations = SelectMultipleField(_l("Author organisations"), coerce=int,
                                        validators=[Optional()])
    translation_of = StringField(_l("Translation of"), validators=[Optional(), Length(max=500)])
    access = SelectField(_l("Access"),
                         choices=[(code, ACCESS_LABELS[code]) for code in ACCESS_LEVELS])
    published = BooleanField(_l("Published (shown in the library)"), default=True)


class UploadForm(DocumentForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))])


class DeleteForm(Form):
    """Only the CSRF token: the confirmation is the page that shows this form."""
