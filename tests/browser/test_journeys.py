"""What people do in a real browser: sign in and out, change the language, turn a plugin off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from crpm_cms.plugin_system.registry import installed_plugins
from crpm_cms.testing.browser import sign_in, skip_or_fail

pytestmark = pytest.mark.browser

ACCOUNT_LINK = ".main-nav a[href='/account']"
LOGIN_LINK = ".main-nav a[href='/login']"


def test_member_signs_in_with_the_form_and_signs_out(page: Page, people: dict[str, str]):
    page.goto("/")
    page.click(LOGIN_LINK)
    page.fill("main input[name=email]", people["member"])
    page.fill("main input[name=password]", "not the password")
    page.click("main form button[type=submit]")
    expect(page.locator(".flash-error")).to_be_visible()  # a wrong password does not sign in
    expect(page.locator(ACCOUNT_LINK)).to_have_count(0)

    sign_in(page, people["member"])
    expect(page.locator(ACCOUNT_LINK)).to_have_text(re.compile("My account|Mon compte"))

    page.click(".main-nav form button")  # "Sign out" is a POST form in the menu
    expect(page.locator(LOGIN_LINK)).to_have_count(1)
    expect(page.locator(ACCOUNT_LINK)).to_have_count(0)
    page.goto("/account")
    assert "/login" in page.url  # the account page asks to sign in again


def test_visitor_switches_to_english_and_it_sticks(page: Page, context: BrowserContext):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    french_menu = page.inner_text(".main-nav")

    page.click(".languages a[hreflang='en']")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".main-nav a[href='/']")).to_have_text("Home")
    expect(page.locator(LOGIN_LINK)).to_have_text("Sign in")
    expect(page.locator(".languages [aria-current]")).to_have_text("English")

    page.click(".main-nav a[href='/organisations/']")  # a page without ?lang= in its URL
    assert "lang=" not in page.url
    expect(page.locator("html")).to_have_attribute("lang", "en")
    cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
    assert cookies.get("crpm_lang") == "en"

    for english in ("Home", "Sign in"):  # the core's own words, not only a plugin's
        assert english not in french_menu, f"the French menu is not translated: {french_menu!r}"


def example_plugin_present() -> None:
    if "example" not in installed_plugins():
        skip_or_fail("the example plugin is not installed: pip install -e tests/plugin_package")


def toggle_example_plugin(page: Page) -> None:
    page.goto("/admin/plugins")
    page.click("#plugin-example button")
    page.wait_for_load_state()
    assert "/admin/plugins" in page.url, page.url


def test_admin_turns_a_plugin_off_and_on_again(page: Page, people: dict[str, str]):
    example_plugin_present()
    example_link = page.locator(".main-nav a[href='/example/']")
    sign_in(page, people["admin"])
    expect(example_link).to_have_count(1)
    assert page.goto("/example/").status == 200

    toggle_example_plugin(page)  # off
    page.goto("/")
    expect(example_link).to_have_count(0)
    expect(page.locator(".example-slot")).to_have_count(0)
    assert page.goto("/example/").status == 404

    toggle_example_plugin(page)  # on again
    page.goto("/")
    expect(example_link).to_have_count(1)
    expect(page.locator(".example-slot")).to_have_count(1)
    assert page.goto("/example/").status == 200
