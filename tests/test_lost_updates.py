"""No lost update: twenty people saving the same record at the same moment get one
acknowledged save and nineteen refusals that keep what each typed (crpm_cms/versions.py)."""

from __future__ import annotations

import html
import re

from flask import Flask
from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.organisations import services as organisations
from crpm_cms.organisations.models import Organisation
from crpm_cms.testing import add_document, at_once, client_of, one_save_wins
from crpm_cms.versions import seen_version
from tests.test_organisations import form_values

EDITORS = 20
LIBRARY_FIELDS = {"title": "Atelier de Dakar", "document_type": "study", "language": "fr",
                  "year": "2024", "access": "public", "countries": ["SN"],
                  "themes": ["governance"], "published": "y"}


def version_in(page: str) -> str:
    found = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert found, "the form carries no version"
    return found.group(1)


def test_twenty_editors_saving_an_organisation_at_once_one_wins_nobody_loses_text(
        app: Flask, people: dict[str, str]) -> None:
    with app.app_context():
        slug = organisations.save(None, organisations.OrganisationData(
            name="Réseau des migrants de retour", kind="network", country_code="SN"), None).slug
    editors = [client_of(app, people["admin"]) for _ in range(EDITORS)]
    seen = {version_in(editor.get(f"/organisations/{slug}/edit").get_data(as_text=True))
            for editor in editors}
    assert seen == {"1"}

    def save(number: int):  # type: ignore[no-untyped-def]
        return lambda: editors[number].post_form(
            f"/organisations/{slug}/edit?lang=en",
            form_values(app, slug, description_fr=f"Texte de l'éditeur {number}", version="1"))

    answers = at_once([save(number) for number in range(EDITORS)])
    winner, refused = one_save_wins(answers)
    with app.app_context():
        stored = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        assert stored is not None
        assert (stored.description_fr, stored.version) == (f"Texte de l'éditeur {winner}", 2)
    for number, page in refused.items():
        assert "Someone else saved this organisation while you were editing" in page
        assert f"Texte de l'éditeur {number}</textarea>" in page  # what this one typed is kept
        assert f"<dd>Texte de l'éditeur {winner}</dd>" in page  # and what changed is shown
        assert version_in(page) == "2"  # saving again is a deliberate choice


def test_a_save_from_an_old_form_is_refused_and_saving_again_wins(app: Flask,
                                                                   people: dict[str, str]) -> None:
    with app.app_context():
        slug = organisations.save(None, organisations.OrganisationData(
            name="Collectif de Moroni", kind="cso", country_code="KM"), None).slug
    first, second = client_of(app, people["admin"]), client_of(app, people["admin"])
    assert first.post_form(f"/organisations/{slug}/edit", form_values(
        app, slug, acronym="CM", version="1")).status_code == 302
    refused = second.post_form(f"/organisations/{slug}/edit?lang=en", form_values(
        app, slug, acronym="COLL", version="1"))
    assert refused.status_code == 409
    page = html.unescape(refused.get_data(as_text=True))
    assert 'value="COLL"' in page and "<dt>Acronym</dt><dd>CM</dd>" in page
    again = second.post_form(f"/organisations/{slug}/edit", form_values(
        app, slug, acronym="COLL", version=version_in(page)))
    assert again.status_code == 302


def test_a_version_is_read_from_a_form_or_an_if_match_header() -> None:
    assert [seen_version(text) for text in ("3", '"3"', 'W/"3"', "", None, "x", "-1", "¹")] == \
        [3, 3, 3, None, None, None, None, None]


def test_twenty_admins_saving_the_settings_at_once_one_wins(app: Flask,
                                                            people: dict[str, str]) -> None:
    admins = [client_of(app, people["admin"]) for _ in range(EDITORS)]
    page = admins[0].get("/admin/settings").get_data(as_text=True)
    versions = html.unescape(re.search(r'name="versions" type="hidden" value="([^"]*)"',
                                       page).group(1))  # type: ignore[union-attr]
    assert "site_name=" in versions

    def save(number: int):  # type: ignore[no-untyped-def]
        return lambda: admins[number].post_form("/admin/settings?lang=en", {
            "site_name": f"Réseau {number}", "country": "", "contact_email": "",
            "registration_mode": "approval", "versions": versions})

    answers = at_once([save(number) for number in range(EDITORS)])
    winner, refused = one_save_wins(answers)
    for number, page in refused.items():
        assert f'value="Réseau {number}"' in page
        assert f"<dd>Réseau {winner}</dd>" in page


def test_twenty_editors_saving_a_library_document_at_once_one_wins(app: Flask,
                                                                 people: dict[str, str]) -> None:
    slug = add_document(app, b"Compte rendu de l'atelier de Dakar.\n", "atelier.txt",
                        uploader=people["editor"])
    editors = [client_of(app, people["admin"]) for _ in range(EDITORS)]
    page = editors[0].get(f"/library/{slug}/edit").get_data(as_text=True)
    assert version_in(page) == "1"

    def save(number: int):  # type: ignore[no-untyped-def]
        return lambda: editors[number].post_form(f"/library/{slug}/edit?lang=en", {
            **LIBRARY_FIELDS, "summary": f"Résumé {number}", "version": "1"})

    answers = at_once([save(number) for number in range(EDITORS)])
    winner, refused = one_save_wins(answers)
    for number, page in refused.items():
        assert f"Résumé {number}</textarea>" in page
        assert f"<dd>Résumé {winner}</dd>" in page
