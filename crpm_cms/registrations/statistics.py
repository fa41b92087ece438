"""Participation figures: aggregates only, with small cells merged so no one can be singled out.

Country and sex are the snapshots taken at registration (self-declared), so figures do not
change when someone later edits their profile.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from crpm_cms.extensions import db
from crpm_cms.organisations.models import Organisation
from crpm_cms.registrations.models import Registration, RegistrationActivity
from crpm_cms.registrations.rules import RegistrationError

DIMENSIONS = ("country", "sex", "owner", "organisation_kind", "year", "month")
OTHER = "other"  # every key of the merged row; its "merged" flag tells it from the sex "other"
UNKNOWN = "unknown"  # not declared (no country, no gender, no organisation)
_COLUMNS = {"country": Registration.country_code, "sex": Registration.sex,
            "owner": RegistrationActivity.owner, "organisation_kind": Organisation.kind}

Cell = tuple[str, ...]


def _when(starts_on: date | None, changed: str | date) -> date:
    """The date a participation counts for: the activity's date, else the last state change."""
    if starts_on is not None:
        return starts_on
    if isinstance(changed, str):  # SQLite's date() answers text
        return date.fromisoformat(changed)
    return changed.date() if isinstance(changed, datetime) else changed


def _key(by: tuple[str, ...], values: dict[str, object], when: date) -> Cell:
    periods = {"year": f"{when.year:04d}", "month": f"{when.year:04d}-{when.month:02d}"}
    return tuple(periods[name] if name in periods else str(values[name] or UNKNOWN)
                 for name in by)


def _count(owner: str | None, external_ids: Iterable[int] | None, states: Iterable[str],
           by: tuple[str, ...], since: date | None, until: date | None) -> Counter[Cell]:
    """Counts per cell, grouped by the database per day so only small rows travel."""
    grouped = [name for name in by if name in _COLUMNS]
    changed = func.date(Registration.updated_at)
    # One column per grouped dimension, so the rows' types are known only at run time.
    query: Select = (
        select(*(_COLUMNS[name] for name in grouped), RegistrationActivity.starts_on, changed,
               func.count())
        .join(RegistrationActivity, Registration.activity_id == RegistrationActivity.id)
        .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
        .where(Registration.state.in_(list(states)))
        .group_by(*(_COLUMNS[name] for name in grouped), RegistrationActivity.starts_on, changed))
    if owner is not None:
        query = query.where(RegistrationActivity.owner == owner)
    if external_ids is not None:
        query = query.where(RegistrationActivity.external_id.in_(list(external_ids)))
    cells: Counter[Cell] = Counter()
    for row in db.session.execute(query):
        when = _when(row[-3], row[-2])
        if (since is None or when >= since) and (until is None or when <= until):
            cells[_key(by, dict(zip(grouped, row, strict=False)), when)] += row[-1]
    return cells


def _merge_small(cells: Counter[Cell], minimum_cell: int) -> tuple[list[tuple[Cell, int]], int]:
    """Cells under the minimum go to "other"; if "other" is itself too small, the next smallest
    cells join it, so neither it nor a subtraction can reveal a few people."""
    ordered = sorted(cells.items(), key=lambda item: (-item[1], item[0]))
    kept = [item for item in ordered if item[1] >= minimum_cell]
    merged = sum(number for _key, number in ordered if number < minimum_cell)
    while 0 < merged < minimum_cell and kept:
        merged += kept.pop()[1]
    return kept, merged


def participation_statistics(owner: str | None = None, *,
                             external_ids: Iterable[int] | None = None,
                             states: Iterable[str] = ("attended", "certified"),
                             by: tuple[str, ...] = ("country", "sex"),
                             since: date | None = None, until: date | None = None,
                             minimum_cell: int = 3) -> list[dict[str, str | int | bool]]:
    """Participation counts broken down ``by`` any of DIMENSIONS, largest first.

    Rows look like ``{"country": "SN", "sex": "woman", "count": 7, "merged": False}``; cells
    smaller than ``minimum_cell`` are summed into one last row whose keys are all "other" and
    ``merged`` is True. ``since``/``until`` (inclusive) filter on the activity's ``starts_on``,
    or the date of the last change of state when the activity has no date.
    """
    unknown = [name for name in by if name not in DIMENSIONS]
    if unknown:
        raise RegistrationError(_("Unknown breakdown: %(names)s.", names=", ".join(unknown)))
    cells = _count(owner, external_ids, states, tuple(by), since, until)
    kept, merged = _merge_small(cells, max(minimum_cell, 1))
    rows: list[dict[str, str | int | bool]] = [
        {**dict(zip(by, key, strict=True)), "count": number, "merged": False}
        for key, number in kept]
    if merged:
        rows.append({**dict.fromkeys(by, OTHER), "count": merged, "merged": True})
    return rows
