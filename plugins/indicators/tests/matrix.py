"""Permission-matrix rows of the indicators plugin: every route against every kind of visitor.

Reading is public; entering values needs ``indicators.enter`` (the focal point of Senegal and
admins); a value of Guinea may only be deleted by an admin. API writes need a Bearer token, so a
signed-in browser gets 401 there.
"""

from __future__ import annotations

from flask import Flask

EVERYONE = (200,) * 6
FOCAL_POINTS = (302, 403, 403, 403, 200, 200)  # anonymous visitors are sent to sign in
FOCAL_POSTS = (302, 403, 403, 403, 400, 400)  # allowed, but the empty form is refused

ROWS = [
    ("indicators.index", "GET", "/indicators/", {}, EVERYONE),
    ("indicators.static", "GET", "/indicators/static/indicators.css", {}, EVERYONE),
    ("indicators.framework", "GET", "/indicators/frameworks/gcm", {}, EVERYONE),
    ("indicators.indicator", "GET", "/indicators/CRPM-01?country=SN&sex=F", {}, EVERYONE),
    ("indicators.data_csv", "GET", "/indicators/CRPM-01/data.csv", {}, EVERYONE),
    ("indicators.country", "GET", "/indicators/countries/GN", {}, EVERYONE),
    ("indicators.completeness_report", "GET", "/indicators/completeness?framework=mgi", {},
     EVERYONE),
    ("indicators.enter", "GET", "/indicators/CRPM-01/enter", {}, FOCAL_POINTS),
    ("indicators.enter", "POST", "/indicators/CRPM-01/enter", {}, FOCAL_POSTS),
    ("indicators.template", "GET", "/indicators/CRPM-01/template.xlsx", {}, FOCAL_POINTS),
    ("indicators.upload", "GET", "/indicators/CRPM-01/upload", {}, FOCAL_POINTS),
    ("indicators.upload", "POST", "/indicators/CRPM-01/upload", {}, FOCAL_POSTS),
    ("indicators.set_status", "POST", "/indicators/CRPM-01/status",
     {"country": "SN", "status": "in_progress"}, (302, 403, 403, 403, 302, 302)),
    ("indicators.set_status", "POST", "/indicators/CRPM-01/status",
     {"country": "GN", "status": "complete"}, (302, 403, 403, 403, 403, 302)),
    ("indicators.delete_value", "POST", "/indicators/values/{indicator_value_gn}/delete", {},
     (302, 403, 403, 403, 403, 302)),
    ("indicators_api.list_indicators", "GET", "/api/v1/indicators", {}, EVERYONE),
    ("indicators_api.data", "GET", "/api/v1/indicators/CRPM-01/data?country=GN", {}, EVERYONE),
    ("indicators_api.write_data", "POST", "/api/v1/indicators/CRPM-01/data", {}, (401,) * 6),
]


def fixtures(app: Flask, people: dict[str, str]) -> dict[str, object]:
    """A value of Guinea, for the deletion row."""
    from crpm_plugins.indicators import services

    with app.app_context():
        indicator = services.indicator_by_code("CRPM-01")
        services.save_entries(indicator, [services.Observation("GN", "2023", 2023, {}, 276)],
                              None)
        value = services.stored_values(indicator, {"GN"})[0]
        return {"indicator_value_gn": value.id}
