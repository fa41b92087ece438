"""Rules for places and directory fields: checking them, snapping points to the chosen precision,
and the only code that writes ``cso_map_places``, ``cso_map_profiles`` and their target groups.

Writers here add to the session without committing, so that a form, an approved proposal or a
whole import is saved in one transaction by its caller.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from crpm_plugins.cso_map.models import GENDER_FOCUSES, PRECISIONS, Place, Profile
from crpm_plugins.cso_map.models import ProfileTargetGroup as TargetGroup
from crpm_plugins.cso_map.search import record_map_change
from crpm_plugins.cso_map.vocabulary import city_centre, country_centre, target_group_labels
from flask_babel import gettext as _
from sqlalchemy import select

from crpm_cms.plugin_api import User, db

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
MAX_LANGUAGES = 10
MAX_PLACES = 20


@dataclass
class PlaceData:
    """One place as a form, a proposal or an import row gives it."""

    country_code: str
    city: str = ""
    region: str = ""
    latitude: float | None = None
    longitude: float | None = None
    precision: str = "exact"

    def as_dict(self) -> dict[str, object]:
        return dict(vars(self))


@dataclass
class ProfileData:
    target_groups: list[str] = field(default_factory=list)
    gender_focus: str = "none"
    working_languages: list[str] = field(default_factory=list)


def coordinates_problems(latitude: float | None, longitude: float | None) -> dict[str, str]:
    """Messages by field for coordinates out of range, not numbers, or given alone."""
    problems: dict[str, str] = {}
    for name, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        if value is not None and (not math.isfinite(value) or abs(value) > limit):
            problems[name] = _("Give a number from -%(limit)s to %(limit)s.", limit=limit)
    if (latitude is None) != (longitude is None):
        missing = "latitude" if latitude is None else "longitude"
        problems.setdefault(missing, _("Give both the latitude and the longitude, or neither."))
    return problems


def public_point(place: PlaceData) -> tuple[float, float] | None:
    """The point shown for ``place``: never more precise than its ``precision`` allows.

    ``exact`` keeps the point (to about a metre); ``city`` uses the centre of a known city, or
    the point rounded to 0.1° (about 11 km); ``region`` rounds to 1° (about 110 km); ``country``
    uses the country's centre. ``None`` when there is nothing to place.
    """
    has_point = place.latitude is not None and place.longitude is not None
    lat, lon = (place.latitude or 0.0, place.longitude or 0.0)
    if place.precision == "country":
        return country_centre(place.country_code)
    known_city = city_centre(place.country_code, place.city)
    if place.precision == "city":
        return known_city or ((round(lat, 1), round(lon, 1)) if has_point else None)
    if place.precision == "region":
        base = (lat, lon) if has_point else known_city
        return (float(round(base[0])), float(round(base[1]))) if base else None
    return (round(lat, 5), round(lon, 5)) if has_point else None


def place_problems(place: PlaceData) -> dict[str, str]:
    """Messages by field; empty when the place can be saved."""
    problems = coordinates_problems(place.latitude, place.longitude)
    if place.precision not in PRECISIONS:
        problems["precision"] = _("Choose one of: %(choices)s.", choices=", ".join(PRECISIONS))
    elif not problems and public_point(place) is None:
        problems["latitude"] = (
            _("Give the coordinates of this place.") if place.precision == "exact" else
            _("Give the coordinates, or a city of the list, or choose “country only”."))
    if country_centre(place.country_code) is None:
        problems["country"] = _("Unknown country code.")
    return problems


def profile_problems(profile: ProfileData) -> dict[str, str]:
    problems: dict[str, str] = {}
    unknown = sorted(set(profile.target_groups) - set(target_group_labels()))
    if unknown:
        problems["target_groups"] = _("Unknown target group(s): %(codes)s.",
                                      codes=", ".join(unknown))
    if profile.gender_focus not in GENDER_FOCUSES:
        problems["gender_focus"] = _("Choose one of: %(choices)s.",
                                     choices=", ".join(GENDER_FOCUSES))
    bad = [code for code in profile.working_languages if not LANGUAGE_CODE.match(code)]
    if bad or len(profile.working_languages) > MAX_LANGUAGES:
        problems["working_languages"] = _(
            "Give at most %(max)s language codes such as fr;wo;ar (ISO 639).", max=MAX_LANGUAGES)
    return problems


# -- writing (no commit) --------------------------------------------------------------------------


def places_of(organisation_id: int) -> list[Place]:
    return list(db.session.scalars(select(Place).where(Place.organisation_id == organisation_id)
                                   .order_by(Place.position, Place.id)))


def set_places(organisation_id: int, wanted: list[PlaceData]) -> None:
    """Make the organisation's places exactly ``wanted``, updating rows in place so that saving
    the same places again changes nothing."""
    current = places_of(organisation_id)
    for position, data in enumerate(wanted[:MAX_PLACES]):
        point = public_point(data)
        if point is None:
            raise ValueError(f"place {position} has no point; check it with place_problems")
        place = current[position] if position < len(current) else Place(
            organisation_id=organisation_id)
        place.position, place.country_code, place.precision = position, data.country_code, \
            data.precision
        place.city, place.region = data.city, data.region
        place.latitude, place.longitude = data.latitude, data.longitude
        place.public_latitude, place.public_longitude = point
        db.session.add(place)
    for extra in current[len(wanted):]:
        db.session.delete(extra)
    record_map_change(organisation_id)


def profile_of(organisation_id: int) -> Profile | None:
    return db.session.get(Profile, organisation_id)


def start_profile(organisation_id: int) -> Profile:
    """The organisation's first directory row, inserted at once, so that a second first save
    made at the same moment fails on the key instead of overwriting it."""
    profile = Profile(organisation_id=organisation_id)
    db.session.add(profile)
    db.session.flush()
    return profile


def set_profile(organisation_id: int, data: ProfileData) -> Profile:
    profile = profile_of(organisation_id) or Profile(organisation_id=organisation_id)
    profile.gender_focus = data.gender_focus
    profile.working_languages = ";".join(dict.fromkeys(data.working_languages))
    wanted = sorted(set(data.target_groups))
    if profile.target_group_codes != wanted:
        kept = [row for row in profile.target_groups if row.code in wanted]
        profile.target_groups = kept + [TargetGroup(code=code) for code in wanted
                                        if code not in {row.code for row in kept}]
    db.session.add(profile)
    record_map_change(organisation_id)
    return profile


def mark_verified(organisation_id: int, by: User | None, through: str,
                  on: date | None = None) -> Profile:
    """Record that the organisation's record was checked (``through`` account, email or import)."""
    profile = profile_of(organisation_id) or set_profile(organisation_id, ProfileData())
    profile.last_verified_on = on or date.today()
    profile.last_verified_by_id = by.id if by is not None else None
    profile.verified_through = through
    db.session.add(profile)
    return profile
