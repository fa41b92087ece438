"""How the training plugin shows session times: in the session's IANA zone, in the visitor's
language (the zones themselves are the core's, ``crpm_cms.plugin_api``)."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_datetime
from flask_babel import get_locale

from crpm_cms.plugin_api import to_local

DEFAULT_ZONE = "Africa/Dakar"


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
