"""Bulk reads for the downloads: a few column queries whatever the number of organisations.

Plain rows (named tuples), not ORM objects: an export of thousands of organisations would
otherwise spend its time building objects and loading their relationships batch by batch.
Every coordinate, city and region here is the public one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import NamedTuple

from crpm_plugins.cso_map.models import Place, Profile, ProfileTargetGroup, shown_city, shown_region
from sqlalchemy import Select, select

from crpm_cms.plugin_api import Organisation, OrganisationIdentifier, db

Ids = Select[int]


class MappedPlace(NamedTuple):
    """One public point of one organisation: a GeoJSON feature."""

    organisation_id: int
    slug: str
    name: str
    acronym: str | None
    kind: str
    country: str
    precision: str
    longitude: float
    latitude: float


def mapped_places(ids: Ids) -> list[MappedPlace]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.slug, Organisation.name, Organisation.acronym,
               Organisation.kind, Organisation.country_code, Place.precision,
               Place.public_longitude, Place.public_latitude)
        .join(Place, Place.organisation_id == Organisation.id)
        .where(Organisation.id.in_(ids))
        .order_by(Organisation.id, Place.position, Place.id))
    return [MappedPlace(*row) for row in rows]


class ListedOrganisation(NamedTuple):
    id: int
    slug: str
    name: str
    acronym: str | None
    kind: str
    country: str
    website: str | None
    email: str | None
    description_fr: str
    parent_id: int | None


def listed_organisations(ids: Ids) -> list[ListedOrganisation]:
    """The organisations, by name, with the columns the downloads show."""
    return [ListedOrganisation._make(row) for row in db.session.execute(
        select(Organisation.id, Organisation.slug, Organisation.name, Organisation.acronym,
               Organisation.kind, Organisation.country_code, Organisation.website,
               Organisation.email, Organisation.description_fr, Organisation.parent_id)
        .where(Organisation.id.in_(ids)).order_by(Organisation.name, Organisation.id))]


class PlaceRow(NamedTuple):
    id: int
    precision: str
    latitude: float
    longitude: float
    city: str
    region: str
    country: str


def places_of(ids: Ids) -> dict[int, list[PlaceRow]]:
    found: dict[int, list[PlaceRow]] = defaultdict(list)
    for row in db.session.execute(
            select(Place.organisation_id, Place.id, Place.precision, Place.public_latitude,
                   Place.public_longitude, Place.city, Place.region, Place.country_code)
            .where(Place.organisation_id.in_(ids)).order_by(Place.position, Place.id)):
        organisation_id, place_id, precision, latitude, longitude, city, region, country = row
        found[organisation_id].append(PlaceRow(
            place_id, precision, latitude, longitude, shown_city(precision, city),
            shown_region(precision, region), country))
    return found


class ProfileRow(NamedTuple):
    gender_focus: str
    working_languages: str
    last_verified_on: date | None
    target_groups: list[str]


def profiles_of(ids: Ids) -> dict[int, ProfileRow]:
    groups: dict[int, list[str]] = defaultdict(list)
    for organisation_id, code in db.session.execute(
            select(ProfileTargetGroup.organisation_id, ProfileTargetGroup.code)
            .where(ProfileTargetGroup.organisation_id.in_(ids)).order_by(ProfileTargetGroup.code)):
        groups[organisation_id].append(code)
    return {row[0]: ProfileRow(row[1], row[2], row[3], groups.get(row[0], []))
            for row in db.session.execute(
                select(Profile.organisation_id, Profile.gender_focus, Profile.working_languages,
                       Profile.last_verified_on).where(Profile.organisation_id.in_(ids)))}


def identifiers_of(ids: Ids) -> dict[int, list[tuple[int, str, str]]]:
    """``(identifier id, scheme, value)`` of each organisation."""
    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for organisation_id, identifier_id, scheme, value in db.session.execute(
            select(OrganisationIdentifier.organisation_id, OrganisationIdentifier.id,
                   OrganisationIdentifier.scheme, OrganisationIdentifier.value)
            .where(OrganisationIdentifier.organisation_id.in_(ids))
            .order_by(OrganisationIdentifier.id)):
        found[organisation_id].append((identifier_id, scheme, value))
    return found
