"""The plugin's one form (Flask-WTF: the CSRF token travels with it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from crpm_cms.plugin_api import Form
from crpm_hello.models import GREETING_MAX_LENGTH


class GreetingForm(Form):
    text = StringField(_l("Your greeting"), render_kw={"maxlength": GREETING_MAX_LENGTH})
