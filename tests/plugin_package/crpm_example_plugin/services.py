"""The example plugin's rules: the only code that writes ``example_notes``."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from crpm_cms.extensions import db
from crpm_example_plugin.models import NOTE_MAX_LENGTH, ExampleNote


class NoteError(ValueError):
    """The note cannot be saved; the message is translated and meant for the user."""


def add_note(text: str) -> ExampleNote:
    """Store a note after trimming it; an empty or over-long note changes nothing."""
    text = text.strip()
    if not text:
        raise NoteError(_("The note is empty."))
    if len(text) > NOTE_MAX_LENGTH:
        raise NoteError(_("A note has at most %(max)s characters.", max=NOTE_MAX_LENGTH))
    note = ExampleNote(text=text)
    db.session.add(note)
    db.session.commit()
    return note


def all_notes() -> list[ExampleNote]:
    return list(db.session.scalars(select(ExampleNote).order_by(ExampleNote.id)))


def count_notes() -> int:
    return db.session.scalar(select(func.count()).select_from(ExampleNote)) or 0


def count_notes_job() -> str:
    """The periodic job: it only reads, so running it twice changes nothing."""
    return f"{count_notes()} note(s)"
