"""The base of every form of the site and its plugins: Flask-WTF's, with one rule added.

A single-line field (a ``StringField``: titles, names, e-mail addresses, search words…) holds a
single line: line breaks and tabs typed or pasted into it, or sent by a hand-made request, become
one space before any validator sees the value. Such values end up in e-mail subjects, calendar
names, file and sheet names and HTTP headers, where a line break would fail after the commit.
A ``TextAreaField`` keeps its lines; a ``PasswordField`` is left as typed.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

import wtforms
from flask_wtf import FlaskForm
from wtforms.fields import PasswordField, StringField, TextAreaField
from wtforms.meta import DefaultMeta

LINE_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")


def single_line(value: Any) -> Any:
    """``value`` on one line: each run of line breaks and tabs becomes one space."""
    return LINE_BREAKS.sub(" ", value) if isinstance(value, str) else value


def is_single_line(field_class: type) -> bool:
    return (issubclass(field_class, StringField)
            and not issubclass(field_class, (TextAreaField, PasswordField)))


class SingleLineFields(DefaultMeta):
    """Form options (``Meta``) that put ``single_line`` first among a single-line field's
    filters."""

    def bind_field(self, form: Any, unbound_field: Any,
                   options: MutableMapping[str, Any]) -> Any:
        if is_single_line(unbound_field.field_class):
            declared = tuple(unbound_field.kwargs.get("filters", ()))
            options = {**options, "filters": (single_line, *declared)}
        return super().bind_field(form, unbound_field, options)


class Form(FlaskForm):
    """A Flask-WTF form (CSRF included) whose single-line fields hold single lines."""

    class Meta(SingleLineFields, FlaskForm.Meta):
        pass


class SubForm(wtforms.Form):
    """The same rule for a form nested in another (``FormField``), which has no CSRF token of
    its own."""

    class Meta(SingleLineFields):
        pass
