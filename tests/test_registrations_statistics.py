"""Participation statistics on a crafted data set: aggregates only, small cells merged."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from crpm_cms.extensions import db
from crpm_cms.organisations.models import Organisation
from crpm_cms.registrations import services as registrations
from crpm_cms.registrations.models import Registration
from crpm_cms.registrations.services import RegistrationError
from crpm_cms.users.models import User
from tests.test_registrations import ctx

__all__ = ["ctx"]

# (owner, external_id, starts_on): state, country, sex, how many, organisation kind
DATA = {
    ("test.event", 1, date(2025, 3, 10)): [
        ("attended", "SN", "woman", 4, None), ("attended", "SN", "man", 3, None),
        ("attended", "CI", "woman", 2, None), ("attended", "CI", "man", 1, None),
        ("attended", "MA", "woman", 1, None), ("registered", "SN", "woman", 5, None),
        ("no_show", "SN", "man", 2, None)],
    ("test.event", 2, date(2024, 6, 1)): [("certified", "SN", "woman", 3, None)],
    ("test.training", 1, None): [  # no date: counted on the day of the last change
        ("certified", "CI", "woman", 3, "cso"), ("attended", None, "woman", 1, "institution")],
}
TRAINING_DAY = datetime(2025, 9, 1, 10, 0)


@pytest.fixture
def data(ctx) -> None:
    kinds = {kind: Organisation(slug=kind, name=kind.upper(), kind=kind, country_code="SN")
             for kind in ("cso", "institution")}
    db.session.add_all(kinds.values())
    number = 0
    for (owner, external_id, starts_on), groups in DATA.items():
        activity = registrations.ensure_activity(owner, external_id, capacity=None,
                                                 starts_on=starts_on)
        for state, country, sex, count, kind in groups:
            for _ in range(count):
                number += 1
                person = User(email=f"s{number}@test.crpm", display_name=f"S {number}",
                              status="active", country_code=country, gender=sex)
                db.session.add(person)
                db.session.flush()
                db.session.add(Registration(
                    activity_id=activity.id, user_id=person.id, state=state,
                    country_code=country, sex=sex, answers={}, updated_at=TRAINING_DAY,
                    organisation_id=kinds[kind].id if kind else None))
    db.session.commit()


def table(rows: list[dict]) -> list[tuple]:
    return [tuple(row.values()) for row in rows]


def test_small_cells_are_merged_into_other(data):
    rows = registrations.participation_statistics("test.event")
    assert table(rows) == [("SN", "woman", 7, False), ("SN", "man", 3, False),
                           ("other", "other", 4, True)]
    assert list(rows[0]) == ["country", "sex", "count", "merged"]
    assert table(registrations.participation_statistics("test.event", external_ids=[1])) \
        == [("SN", "woman", 4, False), ("SN", "man", 3, False), ("other", "other", 4, True)]
    assert table(registrations.participation_statistics(
        "test.event", external_ids=[1], states=["registered", "no_show"],
        by=("country",))) == [("SN", 7, False)]
    # MA has one person: merged alone, "other" = 1 would still point at them, so CI (3) joins.
    rows = registrations.participation_statistics("test.event", external_ids=[1],
                                                  by=("country",))
    assert table(rows) == [("SN", 7, False), ("other", 4, True)]
    rows = registrations.participation_statistics("test.training",
                                                  by=("organisation_kind",))
    assert table(rows) == [("other", 4, True)]  # never "institution: 1"
    rows = registrations.participation_statistics("test.training", minimum_cell=1)
    assert table(rows) == [("CI", "woman", 3, False), ("unknown", "woman", 1, False)]


def test_by_owner_and_period_with_dates(data):
    rows = registrations.participation_statistics(by=("owner", "year"))
    assert table(rows) == [("test.event", "2025", 11, False),
                           ("test.training", "2025", 4, False),
                           ("test.event", "2024", 3, False)]
    rows = registrations.participation_statistics(by=("sex",), since=date(2025, 1, 1))
    assert table(rows) == [("woman", 11, False), ("man", 4, False)]
    rows = registrations.participation_statistics(by=("month",), until=date(2025, 3, 10))
    assert table(rows) == [("2025-03", 11, False), ("2024-06", 3, False)]
    with pytest.raises(RegistrationError, match="inconnue"):
        registrations.participation_statistics(by=("country", "religion"))
