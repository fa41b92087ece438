"""After the events: who took part (by gender and by country, aggregates from the core service
with small cells merged) and how balanced the panels were."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from crpm_plugins.webinars.models import OWNER, SPEAKER_GENDERS, EventSpeaker, WebinarEvent
from sqlalchemy import Select, func, select

from crpm_cms.plugin_api import db, participation_statistics

PARTICIPATED = ("attended",)
NOT_DECLARED = "undeclared"


def participation(event_ids: Iterable[int] | None, by: str) -> list[dict[str, str | int | bool]]:
    """People who attended, by ``country`` or ``sex``; no cell under 3 people (merged)."""
    return participation_statistics(OWNER, external_ids=event_ids, states=PARTICIPATED,
                                    by=(by,), minimum_cell=3)


@dataclass(frozen=True)
class Balance:
    """Speakers of one event (or of all) by self-declared gender."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def women_share(self) -> int | None:
        """Percentage of women among the speakers who declared a gender."""
        declared = sum(self.counts.get(gender, 0) for gender in SPEAKER_GENDERS)
        return round(100 * self.counts.get("woman", 0) / declared) if declared else None


def _balance(rows: Iterable[tuple[str | None, int]]) -> Balance:
    counts: Counter[str] = Counter()
    for gender, number in rows:
        counts[gender or NOT_DECLARED] += number
    return Balance({key: counts.get(key, 0) for key in (*SPEAKER_GENDERS, NOT_DECLARED)})


def speaker_balance(events: Select) -> tuple[Balance, dict[int, Balance]]:
    """Overall and per-event speaker balance for the events of ``events`` (one query)."""
    ids = events.with_only_columns(WebinarEvent.id).scalar_subquery()
    rows = db.session.execute(
        select(EventSpeaker.event_id, EventSpeaker.gender, func.count())
        .where(EventSpeaker.event_id.in_(ids))
        .group_by(EventSpeaker.event_id, EventSpeaker.gender)).all()
    per_event: dict[int, list[tuple[str | None, int]]] = {}
    for event_id, gender, number in rows:
        per_event.setdefault(event_id, []).append((gender, number))
    overall = _balance((gender, number) for _id, gender, number in rows)
    return overall, {event_id: _balance(items) for event_id, items in per_event.items()}
