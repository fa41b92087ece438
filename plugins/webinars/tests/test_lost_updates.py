"""Twenty people saving one event at the same moment: one save, nineteen refusals that keep
what each typed, on SQLite too (its FOR UPDATE was ignored: two saves both won)."""

from __future__ import annotations

from flask import Flask

from crpm_cms.testing import at_once, client_of, one_save_wins

from .helpers import add_event, form_fields, stored_event

EDITORS = 20


def test_twenty_simultaneous_saves_of_an_event_one_wins_nobody_loses_text(
        app: Flask, people: dict[str, str]) -> None:
    event_id = add_event(app)
    sequence = str(stored_event(app, event_id).sequence)
    editors = [client_of(app, people["admin"]) for _ in range(EDITORS)]

    def save(number: int):  # type: ignore[no-untyped-def]
        return lambda: editors[number].post_form(
            f"/events/{event_id}/edit?lang=en",
            form_fields(title_fr=f"Titre {number}", sequence=sequence))

    answers = at_once([save(number) for number in range(EDITORS)])
    winner, refused = one_save_wins(answers, 303)
    assert stored_event(app, event_id).title_fr == f"Titre {winner}"
    for number, page in refused.items():
        assert "Someone else saved this event while you were editing it" in page
        assert f'value="Titre {number}"' in page
