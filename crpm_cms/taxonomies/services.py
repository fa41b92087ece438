"""Loading the shipped reference data (countries, themes, GCM objectives, vocabularies)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.taxonomies.models import Country, Term

REFERENCE_DATA = Path(__file__).resolve().parent.parent / "reference_data"
THEME_VOCABULARIES = ("theme", "gcm_objective")


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data() -> None:
    """Insert or update countries and terms from the CSV files; safe to run again."""
    for row in _rows("countries.csv"):
        country = db.session.get(Country, row["iso2"]) or Country(code=row["iso2"])
        country.iso3, country.name_fr, country.name_en = row["iso3"], row["name_fr"], row["name_en"]
        country.timezone, country.languages, country.role = (
            row["timezone"], row["languages"], row["crpm_role"])
        db.session.add(country)
    terms = [(row["vocabulary"], row["code"], row["label_fr"], row["label_en"])
             for row in _rows("vocabularies.csv")]
    terms += [("gcm_objective", row["number"], row["label_fr"], row["label_en"])
              for row in _rows("gcm_objectives.csv")]
    existing = {(term.vocabulary, term.code): term for term in db.session.scalars(select(Term))}
    for position, (vocabulary, code, label_fr, label_en) in enumerate(terms):
        term = existing.get((vocabulary, code)) or Term(vocabulary=vocabulary, code=code)
        term.label_fr, term.label_en, term.position = label_fr, label_en, position
        db.session.add(term)
    db.session.commit()


def countries() -> list[Country]:
    """Countries sorted by their name in the current language."""
    return sorted(db.session.scalars(select(Country)), key=lambda country: country.name)


def terms(*vocabularies: str) -> list[Term]:
    return list(db.session.scalars(
        select(Term).where(Term.vocabulary.in_(vocabularies)).order_by(Term.position)
    ))


def term_label(vocabulary: str, code: str) -> str:
    term = db.session.scalar(select(Term).where(Term.vocabulary == vocabulary, Term.code == code))
    return term.label if term else code


def theme_choices(value: Callable[[Term], object]) -> dict[str, list[tuple[object, str]]]:
    """Theme terms grouped by vocabulary, for ``<optgroup>``s; ``value`` picks the option value."""
    groups = {"theme": _("Themes"), "gcm_objective": _("Global Compact for Migration objectives")}
    choices: dict[str, list[tuple[object, str]]] = {groups[v]: [] for v in THEME_VOCABULARIES}
    for term in terms(*THEME_VOCABULARIES):
        label = f"{term.code}. {term.label}" if term.vocabulary == "gcm_objective" else term.label
        choices[groups[term.vocabulary]].append((value(term), label))
    return choices


def organisation_kind_labels() -> dict[str, str]:
    """Labels of the kinds of organisation (network, CSO, diaspora…), by code."""
    return {term.code: term.label for term in terms("organisation_kind")}
