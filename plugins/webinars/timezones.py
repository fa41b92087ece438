"""Which zone a visitor reads event times in (the zones themselves are the core's,
``crpm_cms.plugin_api``): the zone chosen on the account page, else the browser's zone that
``webinars.js`` puts in the ``crpm_tz`` cookie, else none (only the event's zone is shown)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote

from babel.dates import format_date, format_time, get_timezone_gmt, get_timezone_location
from crpm_plugins.webinars.models import ViewerZone
from flask import g, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from crpm_cms.plugin_api import db, is_zone, to_local, zone

ZONE_COOKIE = "crpm_tz"
DASH = " \u2013 "  # an en dash between the start and the end


# -- the visitor's zone ---------------------------------------------------------------------------


def profile_zone(user_id: int) -> str | None:
    row = db.session.get(ViewerZone, user_id)
    return row.timezone if row and is_zone(row.timezone) else None


def viewer_zone() -> str | None:
    """The zone this visitor reads times in, or None when unknown (read once per request)."""
    if not has_request_context():
        return None
    if "webinars_viewer_zone" not in g:
        chosen = None
        if current_user and current_user.is_authenticated:
            chosen = profile_zone(current_user.id)
        cookie = unquote(request.cookies.get(ZONE_COOKIE) or "")
        if chosen is None and is_zone(cookie):
            chosen = cookie
        g.webinars_viewer_zone = chosen
    return g.webinars_viewer_zone


def save_profile_zone(user_id: int, name: str | None) -> None:
    """Store the member's zone; ``None`` goes back to the browser's zone."""
    row = db.session.get(ViewerZone, user_id)
    if name is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(ViewerZone(user_id=user_id, timezone=name))
    else:
        row.timezone = name
    db.session.commit()


# -- showing a time span ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownTime:
    """A time span as read in one zone: the words to show and the zone's label."""

    zone: str
    place: str  # "Casablanca", "Paris": the zone's main city in the visitor's language
    offset: str  # "UTC+00:00"
    text: str  # "jeudi 25 février 2027, 10:00 - 12:00" (with an en dash)
    start: datetime
    end: datetime


def _locale() -> str:
    locale = get_locale()
    return str(locale) if locale else "fr"


def zone_place(zone_name: str, locale: str | None = None) -> str:
    if zone_name == "UTC":
        return "UTC"
    try:
        return get_timezone_location(zone(zone_name), locale=locale or _locale(), return_city=True)
    except (LookupError, ValueError):
        return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def shown(starts_at: datetime, ends_at: datetime, zone_name: str,
          locale: str | None = None) -> ShownTime:
    """The span from ``starts_at`` to ``ends_at`` (naive UTC) as read in ``zone_name``."""
    locale = locale or _locale()
    start, end = to_local(starts_at, zone_name), to_local(ends_at, zone_name)
    text = f"{format_date(start, 'full', locale=locale)}, {clock(start, locale)}"
    if end.date() == start.date():
        text += f"{DASH}{clock(end, locale)}"
    else:
        text += f"{DASH}{format_date(end, 'full', locale=locale)}, {clock(end, locale)}"
    offset = get_timezone_gmt(start, locale="en", width="long").replace("GMT", "UTC")
    if offset == "UTC":
        offset = "UTC+00:00"
    return ShownTime(zone_name, zone_place(zone_name, locale), offset, text, start, end)


def clock(moment: datetime, locale: str | None = None) -> str:
    """``10:00`` (or ``10:00 AM``): a time of day in the visitor's language."""
    return format_time(moment, "short", locale=locale or _locale())
