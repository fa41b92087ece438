"""Times of sessions and slots: stored as naive UTC, entered and shown in an IANA time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_date, format_datetime
from flask_babel import get_locale

DEFAULT_ZONE = "Africa/Dakar"


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone this system knows, sorted (for the zone pickers)."""
    return tuple(sorted(name for name in available_timezones() if "/" in name))


def is_zone(name: str | None) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in zone_names() or name == "UTC"


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` as naive UTC (ambiguous DST hour: the first)."""
    aware = local.replace(tzinfo=ZoneInfo(zone), fold=0)
    return aware.astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime, zone: str) -> datetime:
    """Naive UTC as an aware wall-clock time in ``zone``."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))


def local_datetime(moment: datetime | None, zone: str, style: str = "medium") -> str:
    """A stored time in ``zone`` in the current language, with the zone's name."""
    if moment is None:
        return ""
    locale = get_locale() or "fr"
    text = format_datetime(to_local(moment, zone), style, locale=locale)
    return f"{text} ({zone})"


def local_date(moment: datetime | None, zone: str) -> str:
    """Only the calendar date of a stored time, as it is in ``zone``."""
    if moment is None:
        return ""
    return format_date(to_local(moment, zone).date(), "long", locale=get_locale() or "fr")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
