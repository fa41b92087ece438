"""The one form of the example plugin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from crpm_example_plugin.models import NOTE_MAX_LENGTH


class NoteForm(FlaskForm):
    text = StringField(_l("Note"), validators=[
        DataRequired(message=_l("The note is empty.")),
        Length(max=NOTE_MAX_LENGTH,
               message=_l("A note has at most %(max)s characters.", max=NOTE_MAX_LENGTH)),
    ])
