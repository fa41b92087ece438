"""Importing organisations and their places from a spreadsheet: check every row first, then
write everything in one transaction, or nothing.

Rows are grouped by organisation: rows with the same identifier, or the same name and country,
are one organisation with several places. An organisation already in the database is found by
its identifier, then by its name and country, and updated rather than duplicated; values the
file does not carry (descriptions, countries of intervention, other identifiers) are kept, so
importing the same file twice gives the same database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crpm_plugins.cso_map import places as place_rules
from crpm_plugins.cso_map import search
from crpm_plugins.cso_map.import_rows import CheckedRow, RowProblem, check_row, read_table
from crpm_plugins.cso_map.models import Place
from crpm_plugins.cso_map.places import PlaceData
from crpm_plugins.cso_map.vocabulary import fold, target_group_labels
from flask_babel import gettext as _
from sqlalchemy import select

from crpm_cms.plugin_api import (
    THEME_VOCABULARIES,
    Country,
    Organisation,
    Term,
    User,
    db,
    organisations,
)


@dataclass
class PlannedOrganisation:
    """One organisation of the file: its rows, and the database record it updates (if any)."""

    rows: list[CheckedRow]
    existing: Organisation | None = None

    @property
    def first(self) -> CheckedRow:
        return self.rows[0]


@dataclass
class ImportPlan:
    organisations: list[PlannedOrganisation] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for item in self.organisations if item.existing is None)

    @property
    def updated(self) -> int:
        return len(self.organisations) - self.created


def known_codes() -> dict[str, set[str]]:
    """Every code a row may use, read once per import."""
    terms = db.session.execute(select(Term.vocabulary, Term.code))
    known: dict[str, set[str]] = {"country": set(db.session.scalars(select(Country.code))),
                                  "theme": set(), "organisation_kind": set(),
                                  "target_group": set(target_group_labels())}
    for vocabulary, code in terms:
        if vocabulary in THEME_VOCABULARIES:
            known["theme"].add(code)
        elif vocabulary == "organisation_kind":
            known["organisation_kind"].add(code)
    return known


class Matcher:
    """Finds the organisation a row is about: by identifier, then by name and country (compared
    without case or accents, so "ASSOCIATION IVOIRIENNE" finds "Association ivoirienne")."""

    def __init__(self) -> None:
        self.names: dict[str, dict[str, int]] = {}

    def _by_name(self, country: str, name: str) -> int | None:
        if country not in self.names:
            rows = db.session.execute(select(Organisation.id, Organisation.name)
                                      .where(Organisation.country_code == country)
                                      .order_by(Organisation.id.desc()))
            self.names[country] = {fold(found): found_id for found_id, found in rows}
        return self.names[country].get(fold(name))

    def existing(self, row: CheckedRow) -> Organisation | None:
        for scheme, value in row.identifiers:
            owner = organisations.identifier_owner(scheme, value)
            if owner is not None:
                return owner
        found = self._by_name(row.country, row.name)
        return db.session.get(Organisation, found) if found else None


def _same_organisation_problems(first: CheckedRow, row: CheckedRow) -> list[RowProblem]:
    """A later row of the same organisation may add a place; it may not contradict the first."""
    problems = []
    for column in ("name", "acronym", "kind", "country", "themes", "website", "email"):
        mine, theirs = getattr(row, column), getattr(first, column)
        if mine and theirs and mine != theirs:
            problems.append(RowProblem(row.number, column, _(
                "same organisation as row %(row)s, with a different value", row=first.number)))
    return problems


def _identifier_problems(row: CheckedRow, planned: PlannedOrganisation,
                         claimed: dict[tuple[str, str], PlannedOrganisation]) -> list[RowProblem]:
    """An identifier belongs to one organisation, in the file and in the database."""
    problems = []
    for pair in row.identifiers:
        other = claimed.setdefault(pair, planned)
        owner = organisations.identifier_owner(*pair)
        if other is not planned:
            problems.append(RowProblem(row.number, "identifier", _(
                "given to another organisation of the file (row %(row)s)",
                row=other.first.number)))
        elif owner is not None and (planned.existing is None or owner.id != planned.existing.id):
            problems.append(RowProblem(row.number, "identifier", _(
                "already the identifier of “%(name)s”", name=owner.name)))
    return problems


def group_rows(rows: list[CheckedRow], plan: ImportPlan) -> None:
    """Fill ``plan.organisations``: one per organisation, matched against the database."""
    by_key: dict[tuple[object, ...], PlannedOrganisation] = {}
    claimed: dict[tuple[str, str], PlannedOrganisation] = {}
    matcher = Matcher()
    for row in rows:
        existing = matcher.existing(row)
        keys = [("name", fold(row.name), row.country)] + (
            [("id", existing.id)] if existing else [])
        planned = next((by_key[key] for key in reversed(keys) if key in by_key), None) or next(
            (claimed[pair] for pair in row.identifiers if pair in claimed), None)
        if planned is None:
            planned = PlannedOrganisation([row], existing)
            plan.organisations.append(planned)
        else:
            plan.problems += _same_organisation_problems(planned.first, row)
            planned.rows.append(row)
        for key in keys:
            by_key.setdefault(key, planned)
        plan.problems += _identifier_problems(row, planned, claimed)


def check_scope(plan: ImportPlan, allowed: set[str] | None) -> None:
    """A focal point imports organisations of their own countries only."""
    if allowed is None:
        return
    for planned in plan.organisations:
        countries = {planned.first.country} | (
            {planned.existing.country_code} if planned.existing else set())
        if not countries <= allowed:
            plan.problems.append(RowProblem(planned.first.number, "country", _(
                "you may import organisations of %(countries)s only",
                countries=", ".join(sorted(allowed)))))


def plan_import(filename: str, content: bytes, allowed: set[str] | None = None) -> ImportPlan:
    """Read and check the whole file; raises ``ImportFileError`` when it cannot be read."""
    _header, records = read_table(filename, content)
    known = known_codes()
    plan = ImportPlan()
    checked = [check_row(index + 2, record, known) for index, record in enumerate(records)]
    for row in checked:
        plan.problems += row.problems
    group_rows([row for row in checked if not row.problems], plan)
    check_scope(plan, allowed)
    plan.problems.sort(key=lambda problem: problem.row)
    return plan


# -- writing --------------------------------------------------------------------------------------


def organisation_data(planned: PlannedOrganisation) -> organisations.OrganisationData:
    """The core's record: the file's columns over what the database already has."""
    row, current = planned.first, planned.existing
    theme_ids = list(db.session.scalars(select(Term.id).where(
        Term.vocabulary.in_(THEME_VOCABULARIES), Term.code.in_(row.themes))))
    identifiers = [(i.scheme, i.value) for i in current.identifiers] if current else []
    identifiers += [pair for r in planned.rows for pair in r.identifiers if pair not in identifiers]
    return organisations.OrganisationData(
        name=row.name, kind=row.kind, country_code=row.country, acronym=row.acronym,
        website=row.website, email=row.email, themes=theme_ids, identifiers=identifiers,
        description_fr=current.description_fr if current else "",
        description_en=current.description_en if current else "",
        visibility=current.visibility if current else "public",
        parent_id=current.parent_id if current else None,
        countries=[country.code for country in current.countries] if current else [])


def _places(planned: PlannedOrganisation, organisation_id: int) -> list[PlaceData]:
    """The file's places; a place exported at its public point keeps its exact point."""
    current = place_rules.places_of(organisation_id)
    wanted = [row.place for row in planned.rows if row.place is not None]
    for position, data in enumerate(wanted):
        before = current[position] if position < len(current) else None
        if before is not None and _is_public_form(data, before):
            data.latitude, data.longitude = before.latitude, before.longitude
            data.city, data.region = before.city, before.region
    return wanted


def _is_public_form(data: PlaceData, before: Place) -> bool:
    """Whether ``data`` is what the exports show of ``before`` (so nothing was changed)."""
    return (before.precision, before.country_code, before.public_latitude,
            before.public_longitude, before.public_city, before.public_region) == (
        data.precision, data.country_code, data.latitude, data.longitude, data.city,
        data.region)


def run_import(plan: ImportPlan, actor: User | None) -> list[Organisation]:
    """Write a plan without problems in one transaction; any failure leaves the database as is."""
    if plan.problems:
        raise ValueError("an import plan with problems cannot run")
    changes = [(planned.existing, organisation_data(planned)) for planned in plan.organisations]

    def write_map_records(saved: list[Organisation]) -> None:
        for planned, organisation in zip(plan.organisations, saved, strict=True):
            place_rules.set_places(organisation.id, _places(planned, organisation.id))
            profile = next((row.profile for row in planned.rows if row.profile), None)
            if profile is not None:
                place_rules.set_profile(organisation.id, profile)

    with search.recording():
        return organisations.save_all(changes, actor, before_commit=write_map_records)
