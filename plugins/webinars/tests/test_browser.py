"""A member, in a real browser set to São Paulo time, finds an event, reads its time in their own
zone, registers and downloads the .ics; with the plugin disabled the pages answer 404 and the
data stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from crpm_cms.testing import set_plugin_enabled as set_enabled
from crpm_cms.testing.browser import sign_in

from .helpers import RAMADAN_DAY, add_event, states, stored_event

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """A French-speaking member whose device is set to São Paulo time (UTC-3)."""
    return {**browser_context_args, "timezone_id": "America/Sao_Paulo"}


def test_member_finds_an_event_in_their_time_registers_and_downloads_it(
        page: Page, app: Flask, people: dict[str, str], tmp_path: Path) -> None:
    event_id = add_event(app, timezone="Africa/Casablanca", starts_local=RAMADAN_DAY,
                         ends_local=RAMADAN_DAY + timedelta(hours=2), country_codes=["MA"],
                         title_fr="Forum de Rabat sur les diasporas", capacity=30)
    sign_in(page, people["member"])
    page.click(".main-nav a[href='/events/']")
    page.click("text=Forum de Rabat sur les diasporas")
    assert page.url.endswith(f"/events/{event_id}")

    # The little script tells the server the device's zone; the page shows both times.
    times = page.locator(".event .event-times")
    expect(times).to_contain_text("Votre heure — São Paulo (UTC-03:00)")
    expect(times).to_contain_text("Heure de l’événement — Casablanca (UTC+00:00)")
    expect(times.locator("dd").nth(0)).to_contain_text("jeudi 25 février 2027, 10:00")
    expect(times.locator("dd").nth(1)).to_contain_text("jeudi 25 février 2027, 07:00")

    page.click("#registration button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Vous êtes inscrit·e")
    expect(page.locator(".registration-state")).to_contain_text("inscrit")

    with page.expect_download() as download_info:
        page.click(f"a[href='/events/{event_id}.ics']")
    saved = tmp_path / "event.ics"
    download_info.value.save_as(saved)
    item = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")[0]
    assert str(item["UID"]) == stored_event(app, event_id).uid
    assert item.decoded("DTSTART").astimezone(UTC) == datetime(2027, 2, 25, 10, 0, tzinfo=UTC)

    with app.app_context():
        set_enabled("webinars", False)
    for url in ("/events/", f"/events/{event_id}", f"/events/{event_id}.ics"):
        assert page.goto(url).status == 404, url
    expect(page.locator(".main-nav a[href='/events/']")).to_have_count(0)
    assert list(states(app, event_id).values()) == ["registered"]  # the data stays

    with app.app_context():
        set_enabled("webinars", True)
    assert page.goto(f"/events/{event_id}").status == 200
    expect(page.locator(".registration-state")).to_contain_text("inscrit")
