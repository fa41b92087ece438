"""The CSO map in a real browser: filter by country and theme, share the URL, open it in a new
browser and see the same view; the popup lists the organisations at a point; with JavaScript
off the page is the same filtered list."""

from __future__ import annotations

import re

import pytest
from crpm_plugins.cso_map.places import PlaceData
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from crpm_cms.testing.browser import TIMEOUT_MS, blocking_violations, watch_csp

from .helpers import add_organisation

pytestmark = pytest.mark.browser


@pytest.fixture
def network(app: Flask) -> None:
    add_organisation(app, "Femmes migrantes de Thiès", themes=("gender",),
                     place=PlaceData("SN", "Thiès", "", None, None, "city"))
    add_organisation(app, "Association des rapatriées de Thiès", themes=("gender", "return"),
                     place=PlaceData("SN", "Thiès", "", 14.80, -16.93, "city"))
    add_organisation(app, "Plateforme dakaroise", themes=("governance",),
                     place=PlaceData("SN", "Dakar", "", 14.69, -17.44))
    add_organisation(app, "Réseau ivoirien genre", country="CI", themes=("gender",),
                     place=PlaceData("CI", "Abidjan", "", 5.34, -4.03))


def map_ready(page: Page) -> str:
    """Wait until the script has drawn the points; the number of points it drew."""
    page.wait_for_selector("#cso-map[data-ready]")
    return page.get_attribute("#cso-map", "data-ready") or ""


def listed(page: Page) -> list[str]:
    return page.locator(".cso-map-list h3 a").all_inner_texts()


def test_a_filtered_map_is_shared_and_seen_the_same_elsewhere(
        page: Page, new_context, network) -> None:  # type: ignore[no-untyped-def]
    blocked = watch_csp(page)
    page.goto("/map/")
    assert map_ready(page) == "3"  # Thiès (two organisations at its centre), Dakar, Abidjan
    page.select_option("#country", "SN")
    page.select_option("#theme", "gender")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"country=SN&.*theme=gender"))
    assert map_ready(page) == "1"
    assert sorted(listed(page)) == ["Association des rapatriées de Thiès",
                                    "Femmes migrantes de Thiès"]
    cluster_or_marker = page.locator("#cso-map path.leaflet-interactive, .cso-map-cluster")
    cluster_or_marker.first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Femmes migrantes de Thiès")
    expect(popup).to_contain_text("Association des rapatriées de Thiès")
    page.wait_for_url(re.compile(r"#[\d.]+/-?[\d.]+/-?[\d.]+$"))
    shared = page.url  # the filters, and the map's zoom and centre after the #
    assert blocked == []
    assert blocking_violations(page) == [], "axe-core finds no serious accessibility problem"

    other = new_context()
    other.set_default_timeout(TIMEOUT_MS)
    elsewhere = other.new_page()
    elsewhere.goto(shared)
    assert map_ready(elsewhere) == "1"
    assert elsewhere.input_value("#country") == "SN"
    assert elsewhere.input_value("#theme") == "gender"
    assert sorted(listed(elsewhere)) == sorted(listed(page))
    assert elsewhere.url == shared, "the same zoom and centre too (kept after the #)"
    other.close()


def test_the_map_page_works_without_javascript(new_context, network) -> None:  # type: ignore[no-untyped-def]
    context: BrowserContext = new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/map/?country=SN&theme=gender")
    expect(page.locator("#cso-map")).to_be_hidden()
    assert sorted(listed(page)) == ["Association des rapatriées de Thiès",
                                    "Femmes migrantes de Thiès"]
    page.select_option("#country", "CI")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"country=CI"))
    assert listed(page) == ["Réseau ivoirien genre"]
    assert page.get_attribute("a[href^='/map/organisations.csv']", "href") == \
        "/map/organisations.csv?country=CI&theme=gender"
    context.close()
