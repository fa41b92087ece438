"""Forms of the administration: roles and scopes, invitations, site settings, filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional

from crpm_cms.forms import Form
from crpm_cms.users.forms import LANGUAGE_CHOICES
from crpm_cms.users.models import SCOPED_ROLES, User

STATUS_LABELS = {"pending": _l("Waiting for approval"), "invited": _l("Invited"),
                 "active": _l("Active"), "disabled": _l("Disabled"), "deleted": _l("Deleted")}
ROLE_LABELS = {"member": _l("Member"), "editor": _l("Editor"), "focal_point": _l("Focal point"),
               "admin": _l("Administrator")}
REGISTRATION_MODES = {"open": _l("Open: anyone can create an account"),
                      "approval": _l("With approval: an administrator activates new accounts"),
                      "invitation": _l("By invitation only")}

_required = DataRequired(message=_l("This field is required."))
_email = Email(message=_l("Please enter a valid e-mail address."))


class UserFilterForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Name or e-mail address"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validate_choice=False, choices=[("", _l("All"))] + [
        (code, STATUS_LABELS[code]) for code in ("pending", "invited", "active", "disabled")])


class RolesForm(Form):
    """Roles beyond ``member``; an editor or focal point without countries acts for all."""

    admin = BooleanField(_l("Administrator"))
    editor = BooleanField(_l("Editor"))
    editor_countries = SelectMultipleField(_l("Editor for these countries"),
                                           validators=[Optional()])
    focal_point = BooleanField(_l("Focal point"))
    focal_point_countries = SelectMultipleField(_l("Focal point for these countries"),
                                                validators=[Optional()])
    organisation = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])

    def set_choices(self, countries: list[tuple[str, str]],
                    organisations: list[tuple[int, str]]) -> None:
        self.editor_countries.choices = countries
        self.focal_point_countries.choices = countries
        self.organisation.choices = [(0, "—"), *organisations]

    def fill_from(self, user: User) -> None:
        self.admin.data = user.has_role("admin")
        for role in SCOPED_ROLES:
            codes = [a.country_code for a in user.roles if a.role == role]
            getattr(self, role).data = bool(codes)
            getattr(self, f"{role}_countries").data = [] if None in codes else codes
        self.organisation.data = user.organisation_id or 0

    def assignments(self) -> list[tuple[str, str | None]]:
        """``(role, country)`` pairs for ``users.services.set_roles``."""
        pairs: list[tuple[str, str | None]] = [("admin", None)] if self.admin.data else []
        for role in SCOPED_ROLES:
            if getattr(self, role).data:
                countries = getattr(self, f"{role}_countries").data or [None]
                pairs += [(role, country) for country in countries]
        return pairs


class InviteForm(RolesForm):
    email = EmailField(_l("E-mail address"), validators=[_required, _email, Length(max=254)])
    display_name = StringField(_l("Name"), validators=[_required, Length(max=120)])
    language = SelectField(_l("Language of the invitation"), choices=LANGUAGE_CHOICES)


class StatusForm(Form):
    action = HiddenField(validators=[AnyOf(("approve", "disable", "enable", "reinvite"))])


class PluginForm(Form):
    enabled = HiddenField(validators=[AnyOf(("0", "1"))])


class SettingsForm(Form):
    site_name = StringField(_l("Site name"), validators=[_required, Length(max=120)])
    country = SelectField(_l("Country of the deployment"), validators=[Optional()])
    contact_email = EmailField(_l("Contact address"),
                               validators=[Optional(), _email, Length(max=254)])
    registration_mode = SelectField(_l("Registration"), choices=list(REGISTRATION_MODES.items()))
    logo = FileField(_l("Logo"))
    remove_logo = BooleanField(_l("Remove the current logo"))
    versions = HiddenField()  # of the stored settings the form was filled from (key=3;…)
