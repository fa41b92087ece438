"""iCalendar (RFC 5545) with the icalendar library: the public feed, one event, a member's
personal feed, and invitations. Each event keeps its UID for life and carries its SEQUENCE; a
VTIMEZONE describes every zone used; cancelled events stay, with STATUS:CANCELLED."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from crpm_plugins.webinars.models import WebinarEvent
from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone, enums, vCalAddress

from crpm_cms.plugin_api import User, get_setting, single_line, terms, zone

REFRESH = timedelta(hours=6)  # how often subscribers should reload a feed
PRODID = "-//CRPM network//webinars calendar//FR"
STATUS = {"scheduled": enums.STATUS.CONFIRMED, "postponed": enums.STATUS.TENTATIVE,
          "cancelled": enums.STATUS.CANCELLED}


class ExactTimezone(Timezone):
    """``Timezone.from_tzinfo`` probes the zone in 64-day steps first, so it misses an offset
    that lasts less than that: Morocco's UTC+0 during Ramadan (about 35 days in 2027) vanished
    from the VTIMEZONE and clients that trust it put the event an hour off. Probing day by day
    (then finer) finds every change; we only describe the few years the calendar needs."""

    _from_tzinfo_skip_search = [timedelta(days=1), timedelta(hours=1), timedelta(minutes=5),
                                timedelta(seconds=20), timedelta(seconds=1)]


@lru_cache(maxsize=256)
def vtimezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of ``zone_name`` for those years (cached: it does not change at run time)."""
    return ExactTimezone.from_tzinfo(zone(zone_name), tzid=zone_name,
                                     first_date=date(first_year, 1, 1),
                                     last_date=date(last_year + 1, 1, 1))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _aware(local: datetime, zone_name: str) -> datetime:
    return local.replace(tzinfo=zone(zone_name))


def _summary(event: WebinarEvent) -> str:
    marks = {"cancelled": _("Cancelled"), "postponed": _("Postponed")}
    title = event.title
    return f"{title} ({marks[event.status]})" if event.status in marks else title


def _description(event: WebinarEvent, page: str, joining_url: str | None) -> str:
    parts = [event.description.strip()]
    if joining_url:
        parts.append(_("Joining link: %(url)s", url=joining_url))
    parts.append(_("Details and registration: %(url)s", url=page))
    return "\n\n".join(part for part in parts if part)


def _location(event: WebinarEvent, joining_url: str | None) -> str | None:
    if event.format == "online":
        return joining_url or _("Online")
    if event.format == "hybrid" and joining_url:
        return f"{event.place} / {joining_url}"
    return event.place or None


def kind_labels() -> dict[str, str]:
    return {term.code: term.label for term in terms("event_kind")}


def component(event: WebinarEvent, joining_url: str | None = None,
              attendee: User | None = None, kinds: dict[str, str] | None = None) -> Event:
    """One VEVENT; the joining link only when given (a registrant's feed or invitation)."""
    kinds = kinds if kinds is not None else kind_labels()
    page = url_for("webinars.detail", event_id=event.id, _external=True)
    item = Event.new(
        uid=event.uid, sequence=event.sequence, stamp=_utc(event.updated_at),
        created=_utc(event.created_at), last_modified=_utc(event.updated_at),
        start=_aware(event.starts_local, event.timezone),
        end=_aware(event.ends_local, event.timezone),
        summary=_summary(event), description=_description(event, page, joining_url),
        location=_location(event, joining_url), url=page, status=STATUS[event.status],
        categories=[kinds.get(event.kind, event.kind)],
    )
    if attendee is not None:
        sender = current_app.config["MAIL_SENDER"]
        organizer = vCalAddress(f"mailto:{sender}")
        organizer.params["CN"] = get_setting("site_name")
        item.add("organizer", organizer)
        person = vCalAddress(f"mailto:{attendee.email}")
        person.params.update({"CN": attendee.display_name, "ROLE": "REQ-PARTICIPANT",
                              "PARTSTAT": "ACCEPTED", "RSVP": "FALSE"})
        item.add("attendee", person)
    return item


@dataclass(frozen=True)
class Entry:
    """An event to put in a calendar, with the joining link when the reader may have it."""

    event: WebinarEvent
    joining_url: str | None = None


def calendar(entries: Iterable[Entry], name: str, method: str = "PUBLISH",
             attendee: User | None = None) -> bytes:
    """A whole VCALENDAR: the events and one VTIMEZONE per zone they use."""
    entries = list(entries)
    language = str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])
    stable = uuid.uuid5(uuid.NAMESPACE_URL, f"crpm-webinars:{name}:{language}")
    cal = Calendar.new(prodid=PRODID, method=method, name=single_line(name), uid=stable,
                       refresh_interval=REFRESH)
    cal.add("x-published-ttl", "PT6H")  # the same hint as REFRESH-INTERVAL, for Outlook
    zones: dict[str, tuple[int, int]] = {}
    for entry in entries:
        event = entry.event
        first, last = zones.get(event.timezone, (event.starts_local.year, event.ends_local.year))
        zones[event.timezone] = (min(first, event.starts_local.year),
                                 max(last, event.ends_local.year))
    for zone_name, (first, last) in sorted(zones.items()):
        cal.add_component(vtimezone(zone_name, first - 1, last + 1))
    kinds = kind_labels()
    for entry in entries:
        cal.add_component(component(entry.event, entry.joining_url, attendee, kinds))
    return cal.to_ical()


def fingerprint(*parts: object) -> str:
    """A short, stable ETag value for what a feed would contain, computed without building it."""
    language = str(get_locale() or "")
    return hashlib.sha256(repr((language, *parts)).encode()).hexdigest()[:32]
