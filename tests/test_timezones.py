"""One rule for time zones, for the core and every plugin (``crpm_cms.timezones``)."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask

from crpm_cms.timezones import exists_in_zone, is_zone, to_local, to_utc, zone_choices


@pytest.mark.parametrize(("name", "accepted"), [
    ("Africa/Dakar", True), ("Indian/Comoro", True), ("America/Sao_Paulo", True), ("UTC", True),
    ("Etc/GMT-3", False),  # a fixed offset: once accepted by the training plugin's own rule
    ("Egypt", False),  # an old alias: once accepted by the webinars plugin's own rule
    ("GMT", False), ("Mars/Olympus_Mons", False), ("", False), (None, False),
    ("UTC+01:00", False),
])
def test_a_zone_is_a_city_of_the_tz_database_or_utc(name: str | None, accepted: bool) -> None:
    assert is_zone(name) is accepted


def test_times_are_stored_in_utc_and_read_in_the_zone() -> None:
    stored = to_utc(datetime(2027, 3, 15, 10, 0), "Africa/Casablanca")  # UTC+1 outside Ramadan
    assert stored == datetime(2027, 3, 15, 9, 0)
    assert to_local(stored, "Indian/Comoro").strftime("%H:%M %z") == "12:00 +0300"
    assert not exists_in_zone(datetime(2027, 3, 28, 2, 30), "Europe/Paris")  # clocks jump at 2:00


def test_pickers_offer_the_networks_zones_first(app: Flask) -> None:
    with app.app_context():
        names = [name for name, _label in zone_choices()]
    assert names[:2] == ["Africa/Abidjan", "Africa/Casablanca"]
    assert names.index("UTC") < names.index("America/Sao_Paulo")
    assert all(is_zone(name) for name in names)
