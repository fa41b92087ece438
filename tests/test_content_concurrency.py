"""A burst of concurrent saves of the same version, over real HTTP: exactly one wins."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from crpm_cms.content.models import Revision
from crpm_cms.extensions import db
from crpm_cms.testing import PASSWORD
from crpm_cms.testing.browser import serve
from tests.test_content import create, form_data, stored

EDITORS = 20
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def signed_in_session(base: str, email: str, item_id: int) -> tuple[requests.Session, str]:
    """A browser of its own: signed in, with the edit form's CSRF token."""
    browser = requests.Session()
    login_page = browser.get(f"{base}/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    answer = browser.post(f"{base}/login", data={"csrf_token": token, "email": email,
                                                 "password": PASSWORD},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    form = browser.get(f"{base}/editor/{item_id}/edit", timeout=10).text
    return browser, TOKEN.search(form).group(1)


def test_a_burst_of_saves_of_the_same_version_has_exactly_one_winner(app, login, people):
    item_id = create(login("admin"))
    with serve(app) as base:
        emails = [people["admin"] if number % 2 else people["editor"] for number in range(EDITORS)]
        browsers = [signed_in_session(base, email, item_id) for email in emails]
        start = threading.Barrier(EDITORS)

        def save(number: int) -> int:
            browser, token = browsers[number]
            data = form_data(version="1", csrf_token=token, body=f"<p>Texte n° {number}</p>")
            start.wait(timeout=10)
            return browser.post(f"{base}/editor/{item_id}/edit", data=data,
                                allow_redirects=False, timeout=30).status_code

        with ThreadPoolExecutor(max_workers=EDITORS) as pool:
            statuses = list(pool.map(save, range(EDITORS)))

    assert sorted(statuses) == [302] + [409] * (EDITORS - 1), statuses
    assert stored(app, item_id).version == 2
    with app.app_context():  # every refused text is kept, none is lost
        refused = db.session.scalar(select(func.count()).where(Revision.refused.is_(True)))
        assert refused == EDITORS - 1
        texts = set(db.session.scalars(select(Revision.body_html).where(Revision.version >= 1)))
        assert {f"<p>Texte n° {number}</p>" for number in range(EDITORS)} <= texts
