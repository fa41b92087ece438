"""Helpers shared by this plugin's tests."""

from __future__ import annotations

import html

from crpm_plugins.indicators import services  # noqa: E402
from crpm_plugins.indicators.services import Observation  # noqa: E402
from flask import Flask
from flask.testing import FlaskClient


def enter_values(app: Flask, code: str,
                 rows: list[tuple[str, str, dict[str, str], float]], **extra: str) -> None:
    """Store values as the command line would (no person, every country)."""
    with app.app_context():
        indicator = services.indicator_by_code(code)
        entries = [Observation(country, period, int(period[-4:]), breakdown, value, **extra)
                   for country, period, breakdown, value in rows]
        services.save_entries(indicator, entries, None)


def stored(app: Flask, code: str) -> list[tuple[str, str, str, float]]:
    """The values of an indicator as ``(country, period, breakdown key, value)``, sorted."""
    with app.app_context():
        indicator = services.indicator_by_code(code)
        return sorted((v.country_code, v.period, v.breakdown_key, v.value)
                      for v in services.stored_values(indicator))


def text(client: FlaskClient, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, html.unescape(response.get_data(as_text=True))


BY_SEX = [  # three countries, two years, by sex: total, women, men (totals entered explicitly)
    ("SN", "2022", {}, 412), ("SN", "2022", {"sex": "F"}, 61), ("SN", "2022", {"sex": "M"}, 351),
    ("SN", "2023", {}, 388), ("SN", "2023", {"sex": "F"}, 70), ("SN", "2023", {"sex": "M"}, 310),
    ("CI", "2022", {}, 205), ("CI", "2022", {"sex": "F"}, 48), ("CI", "2022", {"sex": "M"}, 157),
    ("CI", "2023", {}, 231), ("CI", "2023", {"sex": "F"}, 55), ("CI", "2023", {"sex": "M"}, 176),
    ("GN", "2022", {}, 298), ("GN", "2022", {"sex": "F"}, 39), ("GN", "2022", {"sex": "M"}, 259),
    ("GN", "2023", {}, 276), ("GN", "2023", {"sex": "F"}, 44), ("GN", "2023", {"sex": "M"}, 232),
]
