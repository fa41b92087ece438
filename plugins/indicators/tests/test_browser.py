"""Indicators in a real browser: a chart page's weight on a cold visit, its chart and table
without JavaScript, accessibility at phone width, and a focal point sending a spreadsheet."""

from __future__ import annotations

import gzip
import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, Response, expect

from crpm_cms.testing.browser import CHROMIUM_ARGS, PHONE, sign_in  # noqa: F401

pytestmark = pytest.mark.browser
pytest.importorskip("crpm_plugins.indicators.models")

CHART_BUDGET = 100 * 1024  # bytes transferred, compressed (docs/benchmarks.md#budgets)
CHART_PAGE = "/indicators/CRPM-01"


@pytest.fixture
def demo_values(app: Flask) -> None:
    """The demo data set: six countries, six years, by sex, for most indicators."""
    with app.app_context():
        app.extensions["crpm_plugins"].answers("load_demo_data", enabled_only=False)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Values"
    sheet.append(["Year", "Country", "Sex", "Value", "Notes", "Source"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_chart_page_is_light_and_works_without_javascript(browser: Browser, live_server: str,
                                                            demo_values: None) -> None:
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="fr-FR")
    responses: list[Response] = []
    page = context.new_page()  # a fresh context: empty cache, no cookies
    page.on("response", lambda response: responses.append(response))
    page.goto(CHART_PAGE, wait_until="load")
    bodies = {r.url: r.body() for r in responses if not 300 <= r.status < 400}
    # the development server does not compress; a production proxy gzips: measure both
    raw = sum(len(body) for body in bodies.values())
    compressed = sum(len(gzip.compress(body)) for body in bodies.values())
    assert compressed < CHART_BUDGET, {url: len(body) for url, body in bodies.items()}
    assert raw < 2 * CHART_BUDGET, f"{raw} bytes uncompressed"
    assert not any(url.endswith(".js") for url in bodies), "the chart page loads no script"
    context.close()

    # the chart and its table without JavaScript, and in print
    context = browser.new_context(base_url=live_server, viewport={"width": 1200, "height": 900},
                                  locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.goto(CHART_PAGE + "?lang=en")
    chart = page.locator("#main-chart-title").locator("xpath=..")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    assert page.locator("svg.chart-svg rect").count() >= 30  # 6 countries x 6 years
    table = page.locator("table.data-table").first
    expect(table.locator("tbody tr")).to_have_count(6)
    expect(table.locator("caption")).to_contain_text("People who died or went missing")
    page.select_option("#filter-country", "SN")
    page.click("form.filters button[type=submit]")  # a plain GET form: no script needed
    assert "country=SN" in page.url
    expect(page.locator("#main-chart-caption-visible")).to_contain_text("Senegal")
    expect(page.locator(".chart-legend").first).to_contain_text("Women")
    page.emulate_media(media="print")
    expect(page.locator("svg.chart-svg").first).to_be_visible()  # the chart prints
    expect(page.locator("form.filters").first).to_be_hidden()
    context.close()


def test_indicator_pages_are_accessible_on_a_phone(page: Page, demo_values: None) -> None:
    for path in (CHART_PAGE, "/indicators/CRPM-03", "/indicators/frameworks/gcm",
                 "/indicators/countries/SN", "/indicators/completeness"):
        response = page.goto(path)
        assert response is not None and response.status == 200
        results = Axe().run(page).response
        serious = [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
                   for v in results["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, f"{path}:\n" + "\n".join(serious)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width} px)"


def test_a_focal_point_checks_then_imports_a_spreadsheet(page: Page, people: dict[str, str],
                                                         tmp_path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, people["focal_point"])
    page.goto(CHART_PAGE + "?lang=en")
    page.click("text=Send a filled-in spreadsheet or a CSV file")

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([[2023, "Sénégal", "Total", 388], [2023, "Guinée", "Total", 276]]))
    page.set_input_files("input[type=file]", str(bad))
    page.click("button[value=import]")
    problems = page.locator("table.problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("you may not enter values for Guinea")

    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([[2023, "Sénégal", "Total", 388, "", "Protection civile"],
                           [2023, "Sénégal", "Femmes", 70, "", "Protection civile"],
                           [2023, "Sénégal", "Hommes", 310, "", "Protection civile"]]))
    page.set_input_files("input[type=file]", str(good))
    page.click("button[value=check]")
    expect(page.locator("[role=status] h2")).to_have_text("The file is correct")
    page.set_input_files("input[type=file]", str(good))
    page.click("button[value=import]")
    expect(page.locator(".flash-success")).to_contain_text("3 value(s) added")
    expect(page.locator("table.data-table").first).to_contain_text("388")
    expect(page.locator("#gender-title")).to_be_visible()
