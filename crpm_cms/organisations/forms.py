"""Forms of the organisations directory: the list filters and the organisation editor."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
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

from crpm_cms.forms import Form, SubForm
from crpm_cms.organisations.models import VISIBILITIES
from crpm_cms.versions import VersionField

VISIBILITY_LABELS = {"public": _l("Public: everyone can see it"),
                     "members": _l("Members only: hidden from visitors who are not signed in")}
SCHEME_PATTERN = re.compile(r"^[A-Z]{2}-[A-Z0-9_]{1,36}$")

_required = DataRequired(message=_l("This field is required."))


class FilterForm(Form):
    """The GET form above the list; its values stay in the URL."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or acronym"), validators=[Optional(), Length(max=100)])
    country = SelectField(_l("Country"), validate_choice=False)
    kind = SelectField(_l("Kind"), validate_choice=False)
    theme = SelectField(_l("Theme"), validate_choice=False)


def http_url(_form: Form, field: StringField) -> None:
    """Only web addresses: a ``javascript:`` or ``file:`` link must never reach a page."""
    if not field.data:
        return
    parts = urlsplit(field.data.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(_l("Enter an address starting with http:// or https://."))


class IdentifierForm(SubForm):
    """One official identifier (org-id.guide scheme and value); both or neither."""

    scheme = StringField(_l("Scheme"), validators=[Length(max=40)],
                         filters=[lambda value: value.strip().upper() if value else value])
    value = StringField(_l("Identifier"), validators=[Length(max=120)],
                        filters=[lambda value: value.strip() if value else value])

    def validate_scheme(self, field: StringField) -> None:
        if field.data and not SCHEME_PATTERN.match(field.data):
            raise ValidationError(_l("Use an org-id.guide scheme such as SN-NINEA."))
        if self.value.data and not field.data:
            raise ValidationError(_l("Give the scheme of this identifier."))

    def validate_value(self, field: StringField) -> None:
        if self.scheme.data and not field.data:
            raise ValidationError(_l("Give the identifier for this scheme."))


class OrganisationForm(Form):
    name = StringField(_l("Name"), validators=[_required, Length(max=255)])
    acronym = StringField(_l("Acronym"), validators=[Optional(), Length(max=40)])
    kind = SelectField(_l("Kind"), validators=[_required])
    country = SelectField(_l("Registration country"), validators=[_required])
    countries = SelectMultipleField(_l("Countries of intervention"), validators=[Optional()])
    themes = SelectMultipleField(_l("Themes"), coerce=int, validators=[Optional()])
    description_fr = TextAreaField(_l("Description in French"),
                                   validators=[Optional(), Length(max=10000)])
    description_en = TextAreaField(_l("Description in English"),
                                   validators=[Optional(), Length(max=10000)])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=255), http_url])
    email = EmailField(_l("E-mail address"), validators=[
        Optional(), Length(max=254), Email(message=_l("Please enter a valid e-mail address."))])
    logo = FileField(_l("Logo"))
    parent = SelectField(_l("Parent organisation"), coerce=int, validators=[Optional()])
    identifiers = FieldList(FormField(IdentifierForm), label=_l("Identifiers"), min_entries=3,
                            max_entries=10)
    visibility = SelectField(_l("Visibility"),
                             choices=[(code, VISIBILITY_LABELS[code]) for code in VISIBILITIES])
    version = VersionField()

    def identifier_pairs(self) -> list[tuple[str, str]]:
        return [(row.scheme.data, row.value.data) for row in self.identifiers
                if row.scheme.data and row.value.data]


class DeleteForm(Form):
    """Only the CSRF token: the confirmation is the page that shows this form."""
