"""The example plugin's rules: the only code that writes ``example_notes``."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from crpm_cms.plugin_api import Term, db, record_change
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
    db.session.flush()
    record_change("example_note", str(note.id))  # indexed in the same transaction
    db.session.commit()
    return note


def find_note(note_id: int) -> ExampleNote | None:
    return db.session.get(ExampleNote, note_id)


def all_notes() -> list[ExampleNote]:
    return list(db.session.scalars(select(ExampleNote).order_by(ExampleNote.id)))


def count_notes() -> int:
    return db.session.scalar(select(func.count()).select_from(ExampleNote)) or 0


NOTE_KINDS = (("memo", "Mémo", "Memo"), ("minutes", "Compte rendu", "Minutes"))


def ensure_note_kinds() -> None:
    """The plugin's reference data: a small vocabulary in the core's ``terms``, upserted."""
    for position, (code, label_fr, label_en) in enumerate(NOTE_KINDS):
        term = db.session.scalar(select(Term).where(Term.vocabulary == "example_note_kind",
                                                    Term.code == code))
        if term is None:
            term = Term(vocabulary="example_note_kind", code=code)
            db.session.add(term)
        term.label_fr, term.label_en, term.position = label_fr, label_en, position
    db.session.commit()


def count_notes_job() -> str:
    """The periodic job: it only reads, so running it twice changes nothing."""
    return f"{count_notes()} note(s)"
