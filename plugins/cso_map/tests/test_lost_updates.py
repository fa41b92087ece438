"""Twenty editors saving one map record at the same moment: one save, nineteen refusals that
keep what each typed; and two first saves of a record that had no directory fields yet."""

from __future__ import annotations

import html

from crpm_plugins.cso_map.places import PlaceData, ProfileData
from flask import Flask
from sqlalchemy import select

from crpm_cms.plugin_api import Organisation, db
from crpm_cms.testing import at_once, client_of

from .helpers import add_organisation

EDITORS = 20


def slug_of(app: Flask, organisation_id: int) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Organisation.slug)
                                     .where(Organisation.id == organisation_id)))


def record(city: str, languages: str, version: str) -> dict[str, object]:
    return {"places-0-country": "SN", "places-0-city": city, "places-0-precision": "city",
            "places-0-latitude": "12.58", "places-0-longitude": "-16.27",
            "gender_focus": "mainstreamed", "working_languages": languages, "version": version}


def race(app: Flask, people: dict[str, str], slug: str, version: str) -> list[tuple[int, str]]:
    editors = [client_of(app, people["admin"]) for _ in range(EDITORS)]

    def save(number: int):  # type: ignore[no-untyped-def]
        return lambda: editors[number].post_form(
            f"/map/organisations/{slug}/edit?lang=en",
            record(f"Ville {number}", "fr" if number % 2 else "wo", version))

    return [(answer.status_code, html.unescape(answer.get_data(as_text=True)))
            for answer in at_once([save(number) for number in range(EDITORS)])]


def test_twenty_simultaneous_saves_of_a_map_record_one_wins_nobody_loses_text(
        app: Flask, people: dict[str, str]) -> None:
    organisation_id = add_organisation(app, "Réseau de Kolda", place=PlaceData(
        "SN", "Kolda", "", None, None, "city"), profile=ProfileData(gender_focus="none"))
    slug = slug_of(app, organisation_id)
    page = client_of(app, people["admin"]).get(f"/map/organisations/{slug}/edit")
    assert 'name="version" type="hidden" value="1"' in page.get_data(as_text=True)
    answers = race(app, people, slug, "1")
    statuses = [status for status, _ in answers]
    assert sorted(statuses) == [302] + [409] * (EDITORS - 1), statuses
    for number, (status, body) in enumerate(answers):
        if status == 409:
            assert "Someone else saved this map record while you were editing" in body
            assert f'value="Ville {number}"' in body


def test_two_first_saves_of_a_record_without_directory_fields(app: Flask,
                                                             people: dict[str, str]) -> None:
    slug = slug_of(app, add_organisation(app, "Collectif de Ziguinchor"))
    answers = race(app, people, slug, "0")
    assert sorted(status for status, _ in answers) == [302] + [409] * (EDITORS - 1)
