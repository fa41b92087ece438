"""Twenty people saving one training at the same moment: one save, nineteen refusals that
keep what each typed and show what changed."""

from __future__ import annotations

import html
import re

from flask import Flask

from crpm_cms.testing import at_once, client_of, one_save_wins

from .helpers import make_training

EDITORS = 20


def edit_form(page: str, title: str) -> dict[str, object]:
    """What the edit form posts, as the browser would send it, with a new French title."""
    fields: dict[str, object] = {}
    found = re.search(r'<form method="post" action="/trainings/\d+/edit">(.*?)</form>', page, re.S)
    assert found, "no edit form on the page"
    form = found.group(1)
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        fields[name] = html.unescape(value)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form,
                                 re.S):
        fields[name] = html.unescape(body)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form,
                                    re.S):
        chosen = [re.search(r'value="([^"]*)"', option).group(1)  # type: ignore[union-attr]
                  for option in re.findall(r"<option[^>]*>", options) if " selected" in option]
        if chosen:
            fields[name] = chosen if len(chosen) > 1 else chosen[0]
    fields.pop("csrf_token", None)
    fields["title_fr"] = title
    return fields


def test_twenty_simultaneous_saves_of_a_training_one_wins_nobody_loses_text(
        app: Flask, people: dict[str, str]) -> None:
    training_id = make_training(app)
    editors = [client_of(app, people["admin"]) for _ in range(EDITORS)]
    forms = [edit_form(editor.get(f"/trainings/{training_id}/edit").get_data(as_text=True),
                       f"Formation {number}") for number, editor in enumerate(editors)]
    assert {form["version"] for form in forms} == {"1"}

    def save(number: int):  # type: ignore[no-untyped-def]
        return lambda: editors[number].post_form(f"/trainings/{training_id}/edit?lang=en",
                                                 forms[number])

    answers = at_once([save(number) for number in range(EDITORS)])
    winner, refused = one_save_wins(answers)
    page = client_of(app, people["admin"]).get(f"/trainings/{training_id}/edit")
    assert f'value="Formation {winner}"' in html.unescape(page.get_data(as_text=True))
    for number, page in refused.items():
        assert "Someone else saved this training while you were editing" in page
        assert f'value="Formation {number}"' in page
        assert f"<dd>Formation {winner}</dd>" in page
