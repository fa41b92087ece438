"""Read side of the calendar: upcoming, past and month lists with filters, who manages what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crpm_plugins.webinars.models import FORMATS, WebinarEvent
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, false, or_, select

from crpm_cms.plugin_api import Country, Term, User, can, countries_for, db, terms, to_utc, utcnow

PAGE_SIZE = 20
MANAGE = "webinars.manage"


@dataclass(frozen=True)
class EventFilters:
    """The filters of the lists, kept in the URL (``?kind=&country=&theme=&format=``)."""

    kind: str | None = None
    country: str | None = None
    theme: str | None = None
    format: str | None = None

    @classmethod
    def from_args(cls, args: dict[str, str]) -> EventFilters:
        """Unknown values are dropped (they would match nothing anyway)."""
        kinds = {term.code for term in terms("event_kind")}
        return cls(kind=args.get("kind") if args.get("kind") in kinds else None,
                   country=(args.get("country") or "")[:2].upper() or None,
                   theme=(args.get("theme") or "")[:60] or None,
                   format=args.get("format") if args.get("format") in FORMATS else None)

    def as_args(self) -> dict[str, str]:
        return {key: value for key, value in vars(self).items() if value}


def filtered(query: Select, filters: EventFilters) -> Select:
    if filters.kind:
        query = query.where(WebinarEvent.kind == filters.kind)
    if filters.country:
        query = query.where(WebinarEvent.countries.any(Country.code == filters.country))
    if filters.theme:
        query = query.where(WebinarEvent.themes.any(Term.code == filters.theme))
    if filters.format:
        query = query.where(WebinarEvent.format == filters.format)
    return query


def upcoming(filters: EventFilters, page: int = 1, per_page: int = PAGE_SIZE) -> Pagination:
    """Events not yet over, soonest first (cancelled ones stay, marked, so nobody travels)."""
    query = filtered(select(WebinarEvent).where(WebinarEvent.ends_at >= utcnow()), filters)
    query = query.order_by(WebinarEvent.starts_at, WebinarEvent.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def soonest(limit: int) -> list[WebinarEvent]:
    """The next events still taking place, for the home page."""
    query = (select(WebinarEvent)
             .where(WebinarEvent.ends_at >= utcnow(), WebinarEvent.status != "cancelled")
             .order_by(WebinarEvent.starts_at, WebinarEvent.id).limit(limit))
    return list(db.session.scalars(query))


def past(filters: EventFilters, page: int = 1, per_page: int = PAGE_SIZE) -> Pagination:
    query = filtered(select(WebinarEvent).where(WebinarEvent.ends_at < utcnow()), filters)
    query = query.order_by(WebinarEvent.starts_at.desc(), WebinarEvent.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def in_month(year: int, month: int, zone_name: str, filters: EventFilters) -> list[WebinarEvent]:
    """Events starting in that month as the clock reads in ``zone_name``."""
    first = datetime(year, month, 1)
    following = datetime(year + month // 12, month % 12 + 1, 1)
    query = filtered(select(WebinarEvent).where(
        WebinarEvent.starts_at >= to_utc(first, zone_name),
        WebinarEvent.starts_at < to_utc(following, zone_name)), filters)
    return list(db.session.scalars(query.order_by(WebinarEvent.starts_at, WebinarEvent.id)))


def get(event_id: int) -> WebinarEvent | None:
    return db.session.get(WebinarEvent, event_id)


def changed_since(moment: datetime) -> list[WebinarEvent]:
    return list(db.session.scalars(select(WebinarEvent).where(WebinarEvent.updated_at >= moment)))


def feed_window() -> datetime:
    """Calendar feeds carry the events of the last 180 days and everything after."""
    return utcnow() - timedelta(days=180)


def month_of(value: str | None, today: date) -> tuple[int, int]:
    """``2027-02`` → (2027, 2); anything else → this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 1970 <= year <= 2200 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


# -- who manages what ------------------------------------------------------------------------------


def may_create(user: User | None) -> bool:
    return can(user, MANAGE)


def may_manage(user: User | None, event: WebinarEvent) -> bool:
    """Admins and unscoped managers: every event; a manager scoped to countries: the events of
    those countries (an event without a country is regional, so not theirs)."""
    scope = countries_for(user, MANAGE)
    if scope is None:
        return True
    return any(country.code in scope for country in event.countries)


def managed_by(user: User | None) -> Select:
    scope = countries_for(user, MANAGE)
    query = select(WebinarEvent)
    if scope is None:
        return query
    if not scope:
        return query.where(false())
    return query.where(or_(*[WebinarEvent.countries.any(Country.code == code)
                             for code in sorted(scope)]))
