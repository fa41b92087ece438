"""Page quality in a real browser: axe-core accessibility, phone width, and the weight budget."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Response

from crpm_cms.organisations import services as organisations
from crpm_cms.testing.browser import PHONE, blocking_violations, serve, sign_in

pytestmark = pytest.mark.browser

HOME_BUDGET = 100 * 1024  # bytes, images aside (docs/benchmarks.md#budgets)


@pytest.fixture
def organisation_slug(app: Flask) -> str:
    with app.app_context():
        saved = organisations.save(None, organisations.OrganisationData(
            name="Association des Sénégalais de l'extérieur", kind="diaspora", country_code="SN",
            acronym="ASE", description_fr="Accompagne le retour et l'investissement des migrants.",
            description_en="Supports the return and investment of migrants.",
            website="https://ase.example.org", countries=["SN", "FR"],
        ), actor=None)
        return saved.slug


@pytest.mark.parametrize(("path", "role"), [
    ("/", None),
    ("/organisations/", None),
    ("/organisations/{slug}", None),
    ("/login", None),
    ("/admin/", "admin"),
], ids=["home", "list", "detail", "login", "admin"])
def test_no_serious_accessibility_violation(page: Page, people: dict[str, str],
                                            organisation_slug: str, path: str, role: str | None):
    if role:
        sign_in(page, people[role])
    response = page.goto(path.format(slug=organisation_slug))
    assert response is not None and response.status == 200

    violations = blocking_violations(page)
    assert not violations, f"{path}:\n" + "\n".join(violations)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width} px)"


def test_sahel_theme_keeps_the_contrast(browser: Browser, make_app):  # noqa: ANN001
    with serve(make_app(THEME="sahel")) as url, browser.new_context(
            base_url=url, viewport=PHONE) as context:
        page = context.new_page()
        for path in ("/", "/login"):
            page.goto(path)
            assert "sahel.css" in page.content()
            violations = blocking_violations(page)
            assert not violations, f"{path} with the Sahel theme:\n" + "\n".join(violations)


def test_home_page_stays_under_the_weight_budget(context: BrowserContext, organisation_slug: str):
    responses: list[Response] = []
    page = context.new_page()  # a fresh context: empty cache, no cookies
    page.on("response", lambda response: responses.append(response))
    page.goto("/", wait_until="load")

    sizes = {response.url: len(response.body()) for response in responses
             if response.request.resource_type != "image" and not 300 <= response.status < 400}
    assert sum(sizes.values()) < HOME_BUDGET, sizes
