"""The test kit (crpm_cms.testing) itself: the client's CSRF token, and the kit as a plugin's
author uses it, from a folder of their own with nothing of this repository's tests."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask import Flask, request, request_started

from crpm_cms.testing import client_of, sign_in


def test_the_client_fetches_a_csrf_token_once_per_session(app: Flask,
                                                           people: dict[str, str]) -> None:
    client = client_of(app)
    seen: list[str] = []

    def remember(_sender: Flask, **_extra: object) -> None:
        seen.append(f"{request.method} {request.path}")

    with request_started.connected_to(remember, app):
        sign_in(client, people["member"])
        created = [client.post_form("/account/tokens", {"token-name": name}).status_code
                   for name in ("un", "deux")]
        signed_out = client.post_form("/logout").status_code
    assert created == [200, 200] and signed_out == 302  # a wrong token would answer 400
    assert seen == [
        "GET /password/forgot", "POST /login",
        "GET /password/forgot", "POST /account/tokens",  # signing in starts a new session
        "POST /account/tokens",  # the same session: the same token
        "POST /logout",
    ]


OUTSIDE_TESTS = '''
import sys

from crpm_cms.testing import client_of, queries_of_page


def test_an_app_people_and_a_signed_in_client(app, login):
    client = login("editor")
    assert client.get("/account").status_code == 200
    assert queries_of_page(app, client, "/") > 0


def test_a_real_smtp_server(mail_app, people):
    app, inbox = mail_app
    client_of(app).post_form("/password/forgot", {"email": people["member"]})
    assert [message["To"] for message in inbox.messages] == [people["member"]]


def test_nothing_of_the_repository_tests_was_imported():
    assert not [name for name in sys.modules if name.split(".")[0] == "tests"]
'''


@pytest.mark.slow  # pytest in a process of its own
def test_a_plugin_tests_itself_with_the_kit_from_its_own_folder(tmp_path: Path) -> None:
    (tmp_path / "test_outside.py").write_text(textwrap.dedent(OUTSIDE_TESTS))
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_outside.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "3 passed" in result.stdout
