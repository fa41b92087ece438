"""The plugin's one form (Flask-WTF: the CSRF token travels with it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from crpm_hello.models import GREETING_MAX_LENGTH


class GreetingForm(FlaskForm):
    text = StringField(_l("Your greeting"), render_kw={"maxlength": GREETING_MAX_LENGTH})
