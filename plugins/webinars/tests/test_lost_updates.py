"""Twenty people saving one event at the same moment: one save, nineteen refusals that keep
what each typed, on SQLite too (its FOR UPDATE was ignored: two saves both won)."""

from __future__ import annotations

import html

from flask import Flask

from crpm_cms.testing import at_once, client_of

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
    statuses = [answer.status_code for answer in answers]
    assert sorted(statuses) == [303] + [409] * (EDITORS - 1), statuses
    winner = statuses.index(303)
    assert stored_event(app, event_id).title_fr == f"Titre {winner}"
    for number, answer in enumerate(answers):
        if number != winner:
            page = html.unescape(answer.get_data(as_text=True))
            assert "Someone else saved this event while you were editing it" in page
            assert f'value="Titre {number}"' in page
