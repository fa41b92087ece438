"""What the map adds to the site's search: one record per organisation on the map (kind
``cso``), found by its places, target groups and working languages, which the core's own
organisation record does not carry. Only public places are written into the index.

The core's index writer asks for a record again (``search_document``) after
``record_change("cso", organisation id)``, which the map's writers call in their transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from crpm_plugins.cso_map import listing
from crpm_plugins.cso_map.listing import PlaceRow, ProfileRow
from crpm_plugins.cso_map.models import Place, Profile
from crpm_plugins.cso_map.vocabulary import target_groups
from flask import g, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from crpm_cms.hookspecs import SearchDocument, SearchSource
from crpm_cms.plugin_api import Country, Organisation, db, record_change

KIND = "cso"
BATCH = 500
RECORDING = "cso_map_recording"  # g: organisations the map recorded in the current save_all


def record_map_change(organisation_id: int) -> None:
    """Have the organisation's map record re-indexed when the current transaction commits."""
    record_change(KIND, str(organisation_id))
    if RECORDING in g:
        g.get(RECORDING).add(organisation_id)


@contextmanager
def recording() -> Iterator[None]:
    """Around the core's ``save_all`` when the map writes its records in that transaction: the
    ``organisation.saved`` events it then emits need no second record (see ``on_saved``)."""
    g.setdefault(RECORDING, set())
    try:
        yield
    finally:
        g.pop(RECORDING, None)


def on_saved(organisation_id: int) -> None:
    """An organisation changed through the core (name, themes, visibility…): its map record,
    if it has one, is indexed again. Runs after the core's commit, so it commits its own row."""
    if organisation_id in g.get(RECORDING, ()):
        return
    on_map = db.session.scalar(select(Place.id).where(Place.organisation_id == organisation_id)
                               .limit(1)) or db.session.get(Profile, organisation_id)
    if on_map is not None or db.session.get(Organisation, organisation_id) is None:
        record_change(KIND, str(organisation_id))
        db.session.commit()


def _country_names() -> dict[str, str]:
    return {country.code: f"{country.name_fr} {country.name_en}"
            for country in db.session.scalars(select(Country))}


def map_document(organisation: Organisation, places: list[PlaceRow],
                 profile: ProfileRow | None, countries: dict[str, str]) -> SearchDocument | None:
    """The organisation's map record, or ``None`` when it is not on the map."""
    if not places and profile is None:
        return None
    names = [place.city or place.region or countries.get(place.country, place.country)
             for place in places]
    labels = {group.code: f"{group.fr} {group.en}" for group in target_groups()}
    words = [organisation.name, organisation.acronym or "",
             *(f"{place.city} {place.region} {countries.get(place.country, '')}"
               for place in places)]
    if profile is not None:
        words += [labels.get(code, code) for code in profile.target_groups]
        words += profile.working_languages.split(";")
    title = organisation.name + (f" — {', '.join(dict.fromkeys(names))}" if names else "")
    anchor = f"{10 if places[0].precision in ('exact', 'city') else 7}/{places[0].latitude}/" \
             f"{places[0].longitude}" if places else None
    return SearchDocument(
        kind=KIND, key=str(organisation.id), title=title,
        url=url_for("cso_map.index", q=organisation.name, _anchor=anchor),
        text="\n".join(word for word in words if word),
        countries=tuple(sorted({organisation.country_code, *(p.country for p in places)})),
        themes=tuple(term.code for term in organisation.themes), type=organisation.kind,
        access="members" if organisation.visibility == "members" else "public",
        year=organisation.created_at.year, published_on=organisation.created_at.date())


def _documents(organisations: list[Organisation]) -> Iterator[SearchDocument]:
    ids = select(Organisation.id).where(Organisation.id.in_([o.id for o in organisations]))
    places, profiles = listing.places_of(ids), listing.profiles_of(ids)
    countries = _country_names()
    for organisation in organisations:
        found = map_document(organisation, places.get(organisation.id, []),
                             profiles.get(organisation.id), countries)
        if found is not None:
            yield found


def all_documents() -> Iterator[SearchDocument]:
    """Every organisation on the map, read in batches (for a full reindex)."""
    query = select(Organisation).where(or_(
        Organisation.id.in_(select(Place.organisation_id)),
        Organisation.id.in_(select(Profile.organisation_id)))).order_by(Organisation.id)
    last = 0
    while True:
        batch = list(db.session.scalars(query.where(Organisation.id > last).limit(BATCH)))
        if not batch:
            return
        yield from _documents(batch)
        last = batch[-1].id


def one_document(key: str) -> SearchDocument | None:
    if not key.isdigit():
        return None
    organisation = db.session.get(Organisation, int(key))
    return next(_documents([organisation]), None) if organisation else None


def source() -> SearchSource:
    """The plugin's records in the search index (``register_search_sources``)."""
    return SearchSource(KIND, _l("Organisation on the map"), all_documents, one_document)
