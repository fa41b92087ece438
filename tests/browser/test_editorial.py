"""The editorial journey in a real browser: write with the rich-text editor and an image, submit,
publish as a reviewer, read it on the site; a scheduled item appears only once its time has come."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import update

from crpm_cms.content.models import ContentItem
from crpm_cms.extensions import db
from crpm_cms.testing.browser import PHONE, TIMEOUT_MS, blocking_violations, sign_in, watch_csp
from crpm_cms.timezones import utcnow
from tests.test_content import png

pytestmark = pytest.mark.browser

TITLE = "Atelier régional sur la mobilité à Dakar"
LATER = "Forum des diasporas de 2099"


def write_news(page: Page, title: str, publish_at: str = "") -> None:
    """Fill in the editor like a person: type the text, format it, add an image, save."""
    page.goto("/editor/new/news")
    expect(page.locator(".pell-content")).to_be_visible()  # the JS editor replaced the textarea
    expect(page.locator("textarea#body")).to_be_hidden()
    page.fill("#title", title)
    page.fill("#summary", "Trois jours d'échanges entre les réseaux nationaux.")
    page.click(".pell-content")
    page.keyboard.type("Les réseaux se sont réunis ")
    page.click(".pell-actionbar [data-action=bold]")
    page.keyboard.type("pendant trois jours")
    page.click(".pell-actionbar [data-action=bold]")
    page.keyboard.type(".")
    page.once("dialog", lambda dialog: dialog.accept("Les participants de l'atelier"))
    with page.expect_file_chooser() as chooser:
        page.click(".pell-actionbar [data-action=image]")
    chooser.value.set_files(files=[{"name": "atelier.png", "mimeType": "image/png",
                                    "buffer": png(1600, 900)}])
    image = page.locator(".pell-content figure img")
    expect(image).to_have_attribute("alt", "Les participants de l'atelier")
    if publish_at:
        page.fill("#publish_at", publish_at)
    page.click("form.editor-form button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()


def click_action(page: Page, action: str) -> None:
    page.click(f"form[action$='/workflow/{action}'] button")
    expect(page.locator(".flash-success")).to_be_visible()


def test_an_item_is_written_reviewed_published_and_read(
        app: Flask, page: Page, context: BrowserContext, new_context, people: dict[str, str]):
    blocked = watch_csp(page)
    sign_in(page, people["editor"])
    write_news(page, TITLE)
    edit_url = page.url
    body = page.locator("textarea#body").input_value()
    assert "<b>pendant trois jours</b>" in body or "<strong>pendant trois jours</strong>" in body
    click_action(page, "submit")

    reviewer = new_context()
    reviewer.set_default_timeout(TIMEOUT_MS)
    review = reviewer.new_page()
    sign_in(review, people["admin"])
    review.goto("/editor/")
    review.click(f"section:has(#review-title) a:has-text('{TITLE}')")
    assert review.url == edit_url
    click_action(review, "publish")

    visitor = new_context().new_page()
    visitor.goto("/news/")
    visitor.click(f"a:has-text('{TITLE}')")
    expect(visitor.locator("h1")).to_have_text(TITLE)
    picture = visitor.locator(".body figure img")
    expect(picture).to_have_attribute("alt", "Les participants de l'atelier")
    # the picture may still be loading when the page is there: wait until it has (or fails)
    expect(picture).to_have_js_property("complete", True)  # polled without eval (CSP)
    assert visitor.evaluate("document.querySelector('.body figure img').naturalWidth") == 1200
    expect(visitor.locator(".body b, .body strong")).to_have_text("pendant trois jours")
    visitor.goto("/")
    expect(visitor.locator(f"main a:has-text('{TITLE}')")).to_have_count(1)
    feed = visitor.request.get("/feeds/news.atom")
    assert feed.ok and TITLE in feed.text()
    assert blocked == []


def test_a_scheduled_item_appears_only_once_its_time_has_come(
        app: Flask, page: Page, new_context, people: dict[str, str]):
    sign_in(page, people["admin"])
    write_news(page, LATER, publish_at="2099-06-01T09:00")
    click_action(page, "publish")
    expect(page.locator(".badge-scheduled").first).to_be_visible()

    visitor = new_context().new_page()
    visitor.goto("/news/")
    expect(visitor.locator(f"a:has-text('{LATER}')")).to_have_count(0)
    visitor.goto("/")
    expect(visitor.locator(f"a:has-text('{LATER}')")).to_have_count(0)

    with app.app_context():  # time passes: no job runs, the query decides
        db.session.execute(update(ContentItem).where(ContentItem.title == LATER)
                           .values(publish_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    visitor.goto("/news/")
    expect(visitor.locator(f"a:has-text('{LATER}')")).to_have_count(1)
    visitor.goto("/")
    expect(visitor.locator(f"main a:has-text('{LATER}')")).to_have_count(1)


def test_without_javascript_the_editor_is_a_plain_textarea(
        page: Page, new_context, people: dict[str, str]):
    plain = new_context(java_script_enabled=False).new_page()
    sign_in(plain, people["editor"])
    plain.goto("/editor/new/news")
    expect(plain.locator("textarea#body")).to_be_visible()
    plain.fill("#title", "Sans JavaScript")
    plain.fill("textarea#body", "<p>Écrit à la main</p>")
    plain.set_input_files("#image", files=[{"name": "carte.png", "mimeType": "image/png",
                                            "buffer": png()}])
    plain.fill("#image_alt", "Carte du réseau")
    plain.click("form.editor-form button[type=submit]")
    expect(plain.locator(".flash-success")).to_be_visible()
    assert '<img src="/content/images/' in plain.locator("textarea#body").input_value()


def test_the_editor_and_content_pages_are_accessible_on_a_phone(page: Page,
                                                               people: dict[str, str]):
    sign_in(page, people["editor"])
    write_news(page, TITLE)
    item_id = re.search(r"/editor/(\d+)/edit", page.url).group(1)
    click_action(page, "publish")
    paths = ["/editor/new/news", f"/editor/{item_id}/edit", f"/editor/{item_id}/revisions",
             "/editor/",
             "/news/", "/news/atelier-regional-sur-la-mobilite-a-dakar", "/notes/", "/legal"]
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        violations = blocking_violations(page)
        assert not violations, f"{path}:\n" + "\n".join(violations)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width} px)"
