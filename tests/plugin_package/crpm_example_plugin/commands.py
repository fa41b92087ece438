"""``crpm example …``: the example plugin's own commands."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from crpm_example_plugin import services

example_group = click.Group("example", help="Example notes (test plugin).")


@example_group.command("add-note")
@click.argument("text")
@with_appcontext
def add_note(text: str) -> None:
    """Store a note."""
    try:
        note = services.add_note(text)
    except services.NoteError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Note {note.id} added.")
