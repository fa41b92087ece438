"""The clock and time zones: times are stored as naive UTC and entered and shown in IANA zones.

One rule for what counts as a zone (``is_zone``), used by the core and every plugin: a city zone
of the system's tz database (``Africa/Dakar``) or ``UTC``. Fixed offsets (``Etc/GMT+1``) and
old aliases (``Egypt``) are refused: an offset does not follow a country's changes (Morocco moves
to UTC+0 during Ramadan) and an alias is not what a person picks from a list.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.settings.services import get_setting
from crpm_cms.taxonomies.models import Country

UTC_NAME = "UTC"


def utcnow() -> datetime:
    """Now, as the naive UTC time every table stores."""
    return datetime.now(UTC).replace(tzinfo=None)


@cache
def zone_names() -> tuple[str, ...]:
    """Every zone ``is_zone`` accepts, sorted (for the zone pickers)."""
    return tuple(sorted(name for name in available_timezones() if _is_city_zone(name)))


def _is_city_zone(name: str) -> bool:
    return "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))


def is_zone(name: str | None) -> bool:
    """``name`` is ``UTC`` or a city zone of the tz database (offsets and aliases refused)."""
    return bool(name) and (name == UTC_NAME or name in _zone_set())


@cache
def _zone_set() -> frozenset[str]:
    return frozenset(zone_names())


def zone(name: str | ZoneInfo) -> ZoneInfo:
    """The zone called ``name``; UTC for a name the system does not know."""
    if isinstance(name, ZoneInfo):
        return name
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(UTC_NAME)


def to_utc(local: datetime, zone_name: str | ZoneInfo) -> datetime:
    """A wall-clock time typed in a zone → the naive UTC time stored (ambiguous hour: the first)."""
    aware = local.replace(tzinfo=zone(zone_name), fold=0)
    return aware.astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime, zone_name: str | ZoneInfo) -> datetime:
    """A stored naive UTC time → an aware wall-clock time in the zone."""
    return moment.replace(tzinfo=UTC).astimezone(zone(zone_name))


def exists_in_zone(local: datetime, zone_name: str) -> bool:
    """False for a wall-clock time skipped by a change of offset (02:30 on a spring-forward
    night): it would silently become another hour."""
    return to_local(to_utc(local, zone_name), zone_name).replace(tzinfo=None) == local


def zone_choices() -> list[tuple[str, str]]:
    """Options for a zone picker: the network's zones first (from the countries), UTC, the rest."""
    network = sorted({country.timezone for country in db.session.scalars(select(Country))
                      if is_zone(country.timezone)})
    others = [name for name in zone_names() if name not in network]
    return [(name, name.replace("_", " ")) for name in [*network, UTC_NAME, *others]]


def deployment_zone() -> ZoneInfo:
    """The zone of the deployment's country (site setting ``country``); UTC for a regional site."""
    code = get_setting("country")
    country = db.session.get(Country, code) if code else None
    return zone(country.timezone if country and is_zone(country.timezone) else UTC_NAME)
