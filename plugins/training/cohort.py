"""The balance of a cohort as it forms: applicants and selected people by country,
organisation kind and sex, for the review screen."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from crpm_plugins.training.applications import applicant_country, organisations_of
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crpm_cms.plugin_api import Organisation, Registration, countries, registrations, terms

SEX_LABELS = {"woman": _l("Women"), "man": _l("Men"), "other": _l("Other"),
              "undisclosed": _l("Not disclosed")}
DIMENSIONS = {"country": _l("Country"), "organisation_kind": _l("Organisation kind"),
              "sex": _l("Sex")}


@dataclass
class BalanceRow:
    label: str
    applicants: int
    selected: int
    share: int  # percentage of the selected people


@dataclass
class Balance:
    dimension: str
    title: str
    rows: list[BalanceRow]


def _keys(registration: Registration, kinds: Mapping[int, str | None],
          organisations: dict[int, Organisation]) -> dict[str, str | None]:
    return {"country": applicant_country(registration, organisations),
            "organisation_kind": kinds.get(registration.organisation_id or 0),
            "sex": registration.sex}


def balance(applications: list[Registration]) -> list[Balance]:
    """Counts per value of each dimension: people still in the running, and those holding a
    seat (with their share of all seats), biggest groups first."""
    people = [r for r in applications if r.state not in registrations.ENDED_STATES]
    organisations = organisations_of(people)
    kinds = {oid: organisation.kind for oid, organisation in organisations.items()}
    labels = {
        "country": {c.code: c.name for c in countries()},
        "organisation_kind": {t.code: t.label for t in terms("organisation_kind")},
        "sex": {code: str(label) for code, label in SEX_LABELS.items()},
    }
    selected_total = sum(1 for r in people if r.state in registrations.SEAT_STATES)
    result = []
    for dimension, title in DIMENSIONS.items():
        applied: Counter[str | None] = Counter()
        selected: Counter[str | None] = Counter()
        for registration in people:
            key = _keys(registration, kinds, organisations)[dimension]
            applied[key] += 1
            if registration.state in registrations.SEAT_STATES:
                selected[key] += 1
        rows = [BalanceRow(labels[dimension].get(key, key) if key else _("Not stated"),
                           count, selected[key],
                           round(100 * selected[key] / selected_total) if selected_total else 0)
                for key, count in applied.most_common()]
        result.append(Balance(dimension, str(title), rows))
    return result
