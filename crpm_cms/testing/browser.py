"""Real-browser fixtures: the test's app on a free loopback port, driven by Debian's Chromium.

Opt-in, in the top conftest.py: ``pytest_plugins = ["crpm_cms.testing.browser"]``.
pytest-playwright provides ``browser``, ``context``, ``page`` and ``new_context``; this module
says which Chromium to launch (never a downloaded one) and where the site is. Playwright is
imported only by the fixtures that launch it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from werkzeug.serving import make_server

from crpm_cms.testing.client import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

# /usr/lib/chromium/chromium is the binary behind Debian's /usr/bin/chromium shell wrapper.
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach the internet.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 780}
TIMEOUT_MS = 10_000  # pages answer in well under a second here; a missing element fails fast
BLOCKING_IMPACTS = {"serious", "critical"}  # axe-core findings a page must not have


def skip_or_fail(reason: str) -> None:
    """Skip on a developer's machine; in CI (CI=true) a missing piece is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` with a real HTTP server in a thread, on a port the OS picks."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the login form like a person would."""
    page.goto("/login")
    page.fill("main input[name=email]", email)
    page.fill("main input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_selector(".main-nav a[href='/account']")


def blocking_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page, as 'rule: targets' lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + ", ".join(str(node["target"]) for node in v["nodes"])
            for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def watch_csp(page: Page) -> list[str]:
    """A list that fills with what the Content-Security-Policy blocks on the page from now on
    (it must block nothing of ours)."""
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    return blocked


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """Debian's Chromium, headless, kept off the internet."""
    executable = next((path for path in CHROMIUM_PATHS if Path(path).exists()), None)
    if executable is None:
        skip_or_fail("Chromium is not installed: apt-get install -y chromium")
    return {"executable_path": executable, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's app (and database) served over HTTP; its base URL."""
    with serve(app) as url:
        yield url


@pytest.fixture
def browser_context_args(live_server: str) -> dict:
    """A French-speaking visitor on a 360 px wide phone screen."""
    return {"base_url": live_server, "locale": "fr-FR", "viewport": PHONE}


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """pytest-playwright's context, failing fast on a missing element (``TIMEOUT_MS``)."""
    context = new_context()
    context.set_default_timeout(TIMEOUT_MS)
    return context
