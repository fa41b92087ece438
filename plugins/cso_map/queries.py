"""Reading the map: the filters shared by the page, the exports and the API, and the few queries
that turn a filtered set of organisations into points, features and counts.

Every reader starts from the core's ``filtered()`` query, so the visibility rule (members-only
organisations hidden from visitors) and the core's filters are the same everywhere, and reads
only the public coordinates of places. The number of queries does not grow with the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from crpm_plugins.cso_map.models import Place, Profile, ProfileTargetGroup
from sqlalchemy import ColumnElement, Select, SQLColumnExpression, func, select

from crpm_cms.plugin_api import Organisation, User, db, organisations

FILTER_NAMES = ("country", "kind", "theme", "target_group", "gender_focus", "q")
MAX_FILTER_LENGTH = 100


@dataclass(frozen=True)
class MapFilters:
    """The filters of the map, kept in the URL: the core's four plus the map's two."""

    country: str | None = None
    kind: str | None = None
    theme: str | None = None
    target_group: str | None = None
    gender_focus: str | None = None
    q: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> MapFilters:
        values = {name: (args.get(name) or "").strip()[:MAX_FILTER_LENGTH] or None
                  for name in FILTER_NAMES}
        return cls(**values)

    def as_args(self) -> dict[str, str]:
        """The non-empty filters, to build a URL that shows the same selection."""
        return {name: value for name, value in asdict(self).items() if value}

    def core(self) -> organisations.OrganisationFilters:
        return organisations.OrganisationFilters(self.country, self.kind, self.theme, self.q)


def map_conditions(filters: MapFilters) -> list[ColumnElement[bool]]:
    """The map's own filters as conditions on ``Organisation`` (also used by the core's API)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.target_group:
        conditions.append(Organisation.id.in_(
            select(ProfileTargetGroup.organisation_id)
            .where(ProfileTargetGroup.code == filters.target_group)))
    if filters.gender_focus:
        conditions.append(Organisation.id.in_(
            select(Profile.organisation_id).where(Profile.gender_focus == filters.gender_focus)))
    return conditions


def matching(user: User | None, filters: MapFilters) -> Select[Organisation]:
    """The organisations ``user`` may see that match every filter."""
    return organisations.filtered(user, filters.core(), map_conditions(filters))


def matching_ids(user: User | None, filters: MapFilters) -> Select[int]:
    """Ids of ``matching``, as a subquery that never correlates with an outer ``organisations``."""
    return matching(user, filters).with_only_columns(Organisation.id).correlate(None)


# -- points and features --------------------------------------------------------------------------


def points(user: User | None, filters: MapFilters) -> list[tuple[float, float, list[int]]]:
    """Distinct public points ``(longitude, latitude, [organisation ids])`` for the map."""
    rows = db.session.execute(
        select(Place.public_longitude, Place.public_latitude, Place.organisation_id)
        .where(Place.organisation_id.in_(matching_ids(user, filters)))
        .order_by(Place.public_longitude, Place.public_latitude, Place.organisation_id))
    grouped: dict[tuple[float, float], list[int]] = defaultdict(list)
    for longitude, latitude, organisation_id in rows:
        ids = grouped[(longitude, latitude)]
        if not ids or ids[-1] != organisation_id:
            ids.append(organisation_id)
    return [(lon, lat, ids) for (lon, lat), ids in grouped.items()]


def visible_by_ids(user: User | None, ids: list[int]) -> list[Organisation]:
    """The organisations among ``ids`` that ``user`` may see (for a popup), by name."""
    query = organisations.visible_to(user).where(Organisation.id.in_(ids))
    return list(db.session.scalars(query.order_by(Organisation.name)))


def places_by_organisation(ids: list[int]) -> dict[int, list[Place]]:
    found: dict[int, list[Place]] = defaultdict(list)
    for place in db.session.scalars(select(Place).where(Place.organisation_id.in_(ids))
                                    .order_by(Place.position, Place.id)):
        found[place.organisation_id].append(place)
    return found


def profiles_by_organisation(ids: list[int] | Select[int]) -> dict[int, Profile]:
    return {profile.organisation_id: profile for profile in
            db.session.scalars(select(Profile).where(Profile.organisation_id.in_(ids)))}


# -- statistics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistics:
    total: int
    mapped: int
    by_country: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    by_theme: list[tuple[str, str, int]]  # vocabulary, code, count
    by_gender_focus: list[tuple[str, int]]


def _counts(column: SQLColumnExpression[str], ids: Select[int],
            joined: type[Profile] | None = None) -> list[tuple[str, int]]:
    query = select(column, func.count()).where(
        (joined.organisation_id if joined else Organisation.id).in_(ids)).group_by(column)
    return sorted(((str(key), count) for key, count in db.session.execute(query)),
                  key=lambda row: (-row[1], row[0]))


def statistics(user: User | None, filters: MapFilters) -> Statistics:
    """Counts of the matching organisations by country, kind, theme and gender focus."""
    ids = matching_ids(user, filters)
    total = db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    mapped = db.session.scalar(select(func.count(func.distinct(Place.organisation_id)))
                               .where(Place.organisation_id.in_(ids))) or 0
    with_profile = _counts(Profile.gender_focus, ids, Profile)
    without = total - sum(count for _, count in with_profile)
    gender = sorted(dict(with_profile, none=dict(with_profile).get("none", 0) + without).items(),
                    key=lambda row: (-row[1], row[0]))
    return Statistics(
        total=total, mapped=mapped,
        by_country=_counts(Organisation.country_code, ids),
        by_kind=_counts(Organisation.kind, ids),
        by_theme=organisations.theme_counts(ids),
        by_gender_focus=[(code, count) for code, count in gender if count])
