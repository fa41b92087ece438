"""Permission-matrix rows of the webinars plugin: every route for the six kinds of visitor.

Anonymous visitors are sent to the sign-in page (302) wherever an account is needed; editors
and focal points of Senegal manage Senegal's events, the editor of Côte d'Ivoire does not.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from crpm_cms.plugin_api import utcnow
from crpm_cms.testing import accounts

LOGIN = 302
EVERYONE = (200,) * 6
SIGNED_IN_ACTION = (LOGIN,) + (303,) * 5
MANAGERS = (LOGIN, 403, 200, 200, 200, 200)  # the CI editor manages events too (of CI)
SENEGAL_MANAGERS = (LOGIN, 403, 200, 403, 200, 200)

ROWS = [
    ("webinars.index", "GET", "/events/", {}, EVERYONE),
    ("webinars.past", "GET", "/events/past", {}, EVERYONE),
    ("webinars.month", "GET", "/events/month?month=2027-02", {}, EVERYONE),
    ("webinars.detail", "GET", "/events/{webinar}", {}, EVERYONE),
    ("webinars.detail", "GET", "/events/999999", {}, (404,) * 6),
    ("webinars.event_ics", "GET", "/events/{webinar}.ics", {}, EVERYONE),
    ("webinars.calendar_feed", "GET", "/events/calendar.ics", {}, EVERYONE),
    ("webinars.personal_feed", "GET", "/events/feeds/{feed_token}.ics", {}, EVERYONE),
    ("webinars.personal_feed", "GET", "/events/feeds/1.forged.ics", {}, (404,) * 6),
    ("webinars.static", "GET", "/events/static/webinars.js", {}, EVERYONE),
    ("webinars.register", "POST", "/events/{webinar}/register", {}, SIGNED_IN_ACTION),
    ("webinars.withdraw", "POST", "/events/{webinar}/withdraw", {}, SIGNED_IN_ACTION),
    ("webinars.save_zone", "POST", "/events/time-zone", {"timezone": "Africa/Dakar"},
     SIGNED_IN_ACTION),
    ("webinars.reset_feed", "POST", "/events/feeds/reset", {}, SIGNED_IN_ACTION),
    ("webinars.create", "GET", "/events/new", {}, MANAGERS),
    ("webinars.create", "POST", "/events/new", {}, (LOGIN, 403, 400, 400, 400, 400)),
    ("webinars.edit", "GET", "/events/{webinar}/edit", {}, SENEGAL_MANAGERS),
    ("webinars.edit", "POST", "/events/{webinar}/edit", {}, (LOGIN, 403, 400, 403, 400, 400)),
    ("webinars.manage", "GET", "/events/manage", {}, MANAGERS),
    ("webinars.statistics_page", "GET", "/events/statistics", {}, MANAGERS),
    ("webinars.participants", "GET", "/events/{webinar}/participants", {}, SENEGAL_MANAGERS),
    ("webinars.export", "GET", "/events/{webinar}/participants.csv", {}, SENEGAL_MANAGERS),
    ("webinars.export", "GET", "/events/{webinar}/participants.xlsx", {}, SENEGAL_MANAGERS),
    ("webinars.attendance", "POST", "/events/{past_webinar}/attendance", {},
     (LOGIN, 403, 303, 403, 303, 303)),
    ("webinars_api.events", "GET", "/api/v1/events", {}, EVERYONE),
    ("webinars_api.event", "GET", "/api/v1/events/{webinar}", {}, EVERYONE),
    ("webinars_api.event", "GET", "/api/v1/events/999999", {}, (404,) * 6),
]


def fixtures(app: Flask, people: dict[str, str]) -> dict[str, object]:
    """A Senegalese webinar next month and one last week, and the member's feed address."""
    from crpm_plugins.webinars.feeds import feed_token
    from crpm_plugins.webinars.services import EventData, save_event

    def event(days: int) -> int:
        start = (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)
        data = EventData(kind="webinar", timezone="Africa/Dakar", starts_local=start,
                         ends_local=start + timedelta(hours=2), title_fr="Matrice",
                         country_codes=["SN"], capacity=10)
        return save_event(None, data, None).event.id

    with app.app_context():
        return {"webinar": event(30), "past_webinar": event(-7),
                "feed_token": feed_token(accounts.find_by_email(people["member"]))}
