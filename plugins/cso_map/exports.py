"""The map's downloads, all honouring the same filters: GeoJSON, CSV and XLSX (one row per place,
the import's columns first, so a file can go back in), and an Open Referral HSDS package.

Coordinates are the public ones only. Spreadsheet cells go through ``crpm_cms.exports``, which
neutralises anything a spreadsheet would run as a formula.
"""

from __future__ import annotations

import functools
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

from crpm_plugins.cso_map import listing, queries
from crpm_plugins.cso_map.queries import MapFilters
from flask import url_for

from crpm_cms.plugin_api import User, csv_bytes, organisations

EXPORT_COLUMNS = ("name", "acronym", "kind", "country", "city", "latitude", "longitude",
                  "precision", "themes", "website", "email", "identifier_scheme", "identifier",
                  "region", "target_groups", "gender_focus", "working_languages", "id",
                  "last_verified", "url")


def organisation_url_maker() -> Any:
    """``slug → absolute URL`` without calling ``url_for`` thousands of times."""
    template = url_for("organisations.detail", slug="SLUG", _external=True)
    head, tail = template.rsplit("SLUG", 1)
    return lambda slug: f"{head}{slug}{tail}"


FEATURE = ('{"type":"Feature","geometry":{"type":"Point","coordinates":[%r,%r]},"properties":'
           '{"id":%d,"name":%s,"acronym":%s,"kind":%s,"country":%s,"themes":%s,"url":%s,'
           '"precision":%s}}')


def geojson(user: User | None, filters: MapFilters) -> str:
    """A FeatureCollection of the public points of the matching organisations (RFC 7946).

    Written feature by feature as text: building thousands of dictionaries first costs more
    than the queries (mostly in the garbage collector). Codes repeat, so their JSON is cached.
    """
    ids = queries.matching_ids(user, filters)
    themes = {key: json.dumps(value) for key, value in organisations.theme_codes_of(ids).items()}
    # slugs are [a-z0-9-]: only the address around them needs escaping
    head, tail = json.dumps(organisation_url_maker()("SLUG")).split("SLUG")
    code = functools.cache(json.dumps)
    features = [FEATURE % (  # noqa: UP031  (a template reads better than an f-string here)
        place.longitude, place.latitude, place.organisation_id, json.dumps(place.name),
        json.dumps(place.acronym), code(place.kind), code(place.country),
        themes.get(place.organisation_id, "[]"), f"{head}{place.slug}{tail}",
        code(place.precision)) for place in listing.mapped_places(ids)]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def export_rows(user: User | None, filters: MapFilters) -> Iterator[list[Any]]:
    """One row per public place, and one without a place for an organisation that has none."""
    ids = queries.matching_ids(user, filters)
    places, profiles = listing.places_of(ids), listing.profiles_of(ids)
    themes, identifiers = organisations.theme_codes_of(ids), listing.identifiers_of(ids)
    url = organisation_url_maker()
    for organisation in listing.listed_organisations(ids):
        profile = profiles.get(organisation.id)
        held = identifiers.get(organisation.id, [])
        common = {
            "name": organisation.name, "acronym": organisation.acronym or "",
            "kind": organisation.kind, "country": organisation.country,
            "themes": ";".join(themes.get(organisation.id, [])),
            "website": organisation.website or "", "email": organisation.email or "",
            "identifier_scheme": ";".join(scheme for _id, scheme, _value in held),
            "identifier": ";".join(value for _id, _scheme, value in held),
            "target_groups": ";".join(profile.target_groups) if profile else "",
            "gender_focus": profile.gender_focus if profile else "",
            "working_languages": profile.working_languages if profile else "",
            "id": organisation.id, "url": url(organisation.slug),
            "last_verified": profile.last_verified_on if profile else None,
        }
        located = [{"city": place.city, "region": place.region, "latitude": place.latitude,
                    "longitude": place.longitude, "precision": place.precision}
                   for place in places.get(organisation.id, [])]
        for where in located or [{}]:
            row = common | where
            yield [row.get(column, "") for column in EXPORT_COLUMNS]


# -- Open Referral HSDS ---------------------------------------------------------------------------

HSDS_TABLES: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "alternate_name", "description", "email", "website",
                     "legal_status", "uri", "parent_organization_id"),
    "location": ("id", "location_type", "organization_id", "name", "latitude", "longitude"),
    "address": ("id", "location_id", "address_1", "city", "state_province", "postal_code",
                "country", "address_type"),
    "organization_identifier": ("id", "organization_id", "identifier_scheme",
                                "identifier_type", "identifier"),
}


def hsds_id(kind: str, key: object) -> str:
    """A stable UUID per record and site, as HSDS 3 asks for."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{url_for('site.home', _external=True)}"
                                              f"#{kind}/{key}"))


def hsds_tables(user: User | None, filters: MapFilters) -> dict[str, list[list[Any]]]:
    ids = queries.matching_ids(user, filters)
    places, identifiers = listing.places_of(ids), listing.identifiers_of(ids)
    url = organisation_url_maker()
    tables: dict[str, list[list[Any]]] = {name: [] for name in HSDS_TABLES}
    for organisation in listing.listed_organisations(ids):
        org_id = hsds_id("organisation", organisation.id)
        parent = hsds_id("organisation", organisation.parent_id) if organisation.parent_id else ""
        tables["organization"].append([
            org_id, organisation.name, organisation.acronym or "", organisation.description_fr,
            organisation.email or "", organisation.website or "", organisation.kind,
            url(organisation.slug), parent])
        for place in places.get(organisation.id, []):
            location_id = hsds_id("place", place.id)
            tables["location"].append([location_id, "physical", org_id, organisation.name,
                                       place.latitude, place.longitude])
            tables["address"].append([hsds_id("address", place.id), location_id, "",
                                      place.city, place.region, "", place.country,
                                      "physical_address"])
        for identifier_id, scheme, value in identifiers.get(organisation.id, []):
            tables["organization_identifier"].append([
                hsds_id("identifier", identifier_id), org_id, scheme, "", value])
    return tables


def hsds_zip(user: User | None, filters: MapFilters) -> bytes:
    """The HSDS tables as CSV files with a Frictionless ``datapackage.json``, in one zip."""
    buffer = io.BytesIO()
    resources = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in hsds_tables(user, filters).items():
            body = csv_bytes(HSDS_TABLES[name], rows).removeprefix("\ufeff".encode())
            archive.writestr(f"{name}.csv", body)  # no byte-order mark: machines read these
            resources.append({"name": name, "path": f"{name}.csv", "format": "csv",
                              "schema": {"fields": [{"name": column, "type": "string"}
                                                    for column in HSDS_TABLES[name]]}})
        archive.writestr("datapackage.json", json.dumps(
            {"name": "hsds", "profile": "tabular-data-package", "resources": resources},
            indent=2))
    return buffer.getvalue()
