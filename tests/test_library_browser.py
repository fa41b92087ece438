"""The library in a real browser: an editor uploads a file through the form, a visitor finds it
with the filters and downloads it; the pages pass axe-core and fit a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page

from crpm_cms.testing.browser import PHONE, blocking_violations, sign_in
from tests.files import samples
from tests.files.library import add_document, document_count

pytestmark = pytest.mark.browser


def check_page(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    violations = blocking_violations(page)
    assert not violations, f"{path}:\n" + "\n".join(violations)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width} px)"


def test_an_editor_uploads_and_a_visitor_downloads(app: Flask, page: Page, people, tmp_path: Path,
                                                   context):  # noqa: ANN001, F811
    pdf = tmp_path / "Diagnostic régional.pdf"
    pdf.write_bytes(samples.pdf_with_text("Diagnostic des mobilités régionales"))
    sign_in(page, people["editor"])
    check_page(page, "/library/new?lang=en")
    page.set_input_files("input[name=file]", str(pdf))
    page.fill("input[name=title]", "Diagnostic régional des mobilités")
    page.fill("textarea[name=summary]", "État des lieux des mobilités sous-régionales.")
    page.select_option("select[name=document_type]", "diagnostic")
    page.fill("input[name=year]", "2024")
    page.select_option("select[name=countries]", ["SN", "CI"])
    page.select_option("select[name=themes]", ["regional_mobility"])
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Diagnostic régional des mobilités"
    assert document_count(app) == 1

    visitor = context.new_page()
    check_page(visitor, "/library/?lang=en")
    visitor.select_option("select[name=country]", "CI")
    visitor.click("form.filters button[type=submit]")
    assert "country=CI" in visitor.url
    visitor.click("text=Diagnostic régional des mobilités")
    check_page(visitor, visitor.url)
    with visitor.expect_download() as info:
        visitor.click("a.button:has-text('Download')")
    download = info.value
    assert download.suggested_filename == "Diagnostic régional.pdf"
    assert Path(download.path()).read_bytes() == pdf.read_bytes()


def test_a_refused_file_is_explained_on_the_form(app: Flask, page: Page, people,
                                                 tmp_path: Path):  # noqa: ANN001
    disguised = tmp_path / "rapport.pdf"
    disguised.write_bytes(samples.ELF)
    sign_in(page, people["editor"])
    page.goto("/library/new?lang=en")
    page.set_input_files("input[name=file]", str(disguised))
    page.fill("input[name=title]", "Rapport")
    page.select_option("select[name=document_type]", "report")
    page.click("main form button[type=submit]")
    error = page.locator("#file-error")
    assert "This file is a program, not a document" in error.inner_text()
    assert page.locator("input[name=title]").input_value() == "Rapport"
    assert document_count(app) == 0
    add_document(app, samples.text_file(), "ok.txt")  # the library still works afterwards
    assert document_count(app) == 1
