"""A training in a real browser: a member applies with the intake question, an admin approves,
the member confirms, attends, is certified and downloads the PDF; the code verifies publicly.
Switched off, the plugin's pages answer 404; switched back on, the application is still there."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from crpm_cms.testing.browser import PHONE, TIMEOUT_MS, blocking_violations, sign_in

from .helpers import make_training, step

pytestmark = pytest.mark.browser


def admin_page(browser: Browser, base_url: str, email: str) -> Page:
    """A second person, in a browser context of their own."""
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, email)
    return page


def review(admin: Page, training_id: int, button: str) -> None:
    """The admin presses a step's button on the review screen."""
    admin.goto(f"/trainings/{training_id}/review")
    admin.click(f"main button:has-text('{button}')")


def take_attendance(admin: Page, training_id: int) -> None:
    admin.goto(f"/trainings/{training_id}/review")
    admin.click("main a:has-text('Dakar')")  # the session's attendance sheet
    admin.check("main input[name=present]")
    admin.click("main button:has-text('Enregistrer les présences')")
    expect(admin.locator(".flash-success")).to_contain_text("1 personne présente")


def switch_training_plugin(admin: Page) -> None:
    admin.goto("/admin/plugins")
    admin.click("#plugin-training button")


def test_apply_approve_confirm_attend_and_download_the_certificate(
        app, page: Page, browser: Browser, live_server: str, people: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    training_id = make_training(app, title="Dialogue pluri-acteurs",
                                questions=(("choice", "Votre expérience", "Débutante\nAvancée"),))
    sign_in(page, people["member"])
    page.goto("/trainings/")
    page.click("text=Dialogue pluri-acteurs")
    page.click("main a.button:has-text('Postuler')")
    page.check("label:has-text('Avancée') input")
    page.click("main button:has-text('Envoyer ma candidature')")
    expect(page.locator(".flash-success")).to_contain_text("Votre candidature est enregistrée")

    admin = admin_page(browser, live_server, people["admin"])
    admin.goto(f"/trainings/{training_id}/review")
    expect(admin.locator("main")).to_contain_text("Avancée")  # the intake answer
    review(admin, training_id, "Valider")
    page.reload()
    expect(page.locator("main")).to_contain_text("Confirmez votre place avant le")
    page.click("main button:has-text('Confirmer ma place')")
    expect(page.locator(".flash-success")).to_contain_text("Votre place est confirmée.")

    take_attendance(admin, training_id)
    review(admin, training_id, "Marquer comme présent·e")
    review(admin, training_id, "Certifier")
    expect(admin.locator("main")).to_contain_text("certifié")
    page.reload()
    with page.expect_download() as download:
        page.click("main a:has-text('Télécharger mon attestation (PDF)')")
    data = open(download.value.path(), "rb").read()  # noqa: SIM115
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Attestation de participation" in text and "Member" in text
    page.goto("/trainings/mine")
    page.click("main a:has-text('Page de vérification')")
    expect(page.locator("main")).to_contain_text("Cette attestation de participation est valable")
    expect(page.locator("main dl")).to_contain_text("Dialogue pluri-acteurs")

    switch_training_plugin(admin)  # off: the pages answer 404
    assert page.goto(f"/trainings/{training_id}").status == 404
    switch_training_plugin(admin)  # on again: the application is still there
    assert page.goto(f"/trainings/{training_id}").status == 200
    expect(page.locator("main")).to_contain_text("Statut : certifié")


def test_training_pages_are_accessible_on_a_phone(app, page: Page, people: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    training_id = make_training(app, title="Genre et migrations",
                                questions=(("yes_no", "Plan genre ?", ""),))
    step(app, training_id, people["member"], "apply", people["member"], ("yes",))
    sign_in(page, people["admin"])
    for path in ("/trainings/", f"/trainings/{training_id}", f"/trainings/{training_id}/apply",
                 f"/trainings/{training_id}/review", f"/trainings/{training_id}/edit",
                 "/trainings/coaching/", "/trainings/coaching/new", "/trainings/mine",
                 "/trainings/statistics"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        violations = blocking_violations(page)
        assert not violations, f"{path}:\n" + "\n".join(violations)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width} px)"
