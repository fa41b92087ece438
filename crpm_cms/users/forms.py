"""Forms of the sign-in, registration and account pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from crpm_cms.forms import Form
from crpm_cms.users.models import GENDERS

GENDER_LABELS = {"woman": _l("Woman"), "man": _l("Man"), "other": _l("Other"),
                 "undisclosed": _l("I prefer not to say")}
LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]

_required = DataRequired(message=_l("This field is required."))
_email = Email(message=_l("Please enter a valid e-mail address."))
_password_length = Length(min=10, max=200,
                          message=_l("The password must have at least 10 characters."))
_same_password = EqualTo("password", message=_l("The two passwords do not match."))


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), validators=[_required, Length(max=254)])
    password = PasswordField(_l("Password"), validators=[_required, Length(max=200)])


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail address"), validators=[_required, _email, Length(max=254)])


class NewPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[_required, _password_length])
    confirm = PasswordField(_l("New password again"), validators=[_required, _same_password])


class InvitationForm(NewPasswordForm):
    display_name = StringField(_l("Your name"), validators=[_required, Length(max=120)])


class RegisterForm(InvitationForm):
    email = EmailField(_l("E-mail address"), validators=[_required, _email, Length(max=254)])
    organisation = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])
    language = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)


class AccountForm(Form):
    display_name = StringField(_l("Your name"), validators=[_required, Length(max=120)])
    language = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)
    gender = SelectField(_l("Gender (optional)"), validators=[Optional()])
    country = SelectField(_l("Country (optional)"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gender.choices = [("", "—")] + [(code, GENDER_LABELS[code]) for code in GENDERS]


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[_required])
    password = PasswordField(_l("New password"), validators=[_required, _password_length])
    confirm = PasswordField(_l("New password again"), validators=[_required, _same_password])


class TokenForm(Form):
    name = StringField(_l("Token name"), validators=[_required, Length(max=80)])


class DeleteAccountForm(Form):
    password = PasswordField(_l("Your password"), validators=[_required])
    confirm = BooleanField(_l("I understand that my personal data will be erased."),
                           validators=[DataRequired(message=_l("Please tick this box."))])
