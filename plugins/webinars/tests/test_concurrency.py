"""Fifty members register at once for a 20-seat webinar, over HTTP, against two gunicorn servers
(one worker process each) sharing the test's database (SQLite file or PostgreSQL): exactly 20
seats, 30 on the waiting list, no error; then cancellations promote the waiting list in arrival
order, each promoted person getting an e-mail."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
from crpm_plugins.webinars.models import OWNER
from flask import Flask
from sqlalchemy import select

from crpm_cms.plugin_api import RegistrationActivity, db
from crpm_cms.testing import FAST_HASHING, PASSWORD, gunicorn, wait_for_outbox
from crpm_cms.testing import accounts as users

from .helpers import add_event, states, user_id

pytestmark = pytest.mark.slow  # two gunicorn servers

SEATS, PEOPLE, CANCELLING = 20, 50, 3
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def server_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    import os

    env = {key: value for key, value in os.environ.items()
           if not key.startswith("CRPM_") or key == "CRPM_PLUGINS"}
    env.update(CRPM_DATABASE_URL=database_url, CRPM_SECRET_KEY="workers-test",
               CRPM_INSTANCE_PATH=str(tmp_path / "instance"), CRPM_TESTING="true",
               CRPM_LOGIN_RATE_LIMIT="1000 per minute",
               **{f"CRPM_{key}": str(value) for key, value in FAST_HASHING.items()})
    return env


def signed_in(base: str, email: str, event_id: int) -> tuple[requests.Session, str]:
    """A member's own browser, signed in, holding the register button's CSRF token."""
    session = requests.Session()
    token = TOKEN.search(session.get(f"{base}/login", timeout=30).text).group(1)
    answer = session.post(f"{base}/login", data={"csrf_token": token, "email": email,
                                                 "password": PASSWORD},
                          allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text
    page = session.get(f"{base}/events/{event_id}", timeout=30).text
    return session, TOKEN.search(page).group(1)


def outbox_subjects(instance: Path) -> list[str]:
    from email import message_from_bytes
    from email.header import decode_header, make_header

    return [str(make_header(decode_header(message_from_bytes(path.read_bytes())["Subject"])))
            for path in sorted((instance / "outbox").glob("*.eml"))]


def test_fifty_members_for_twenty_seats_through_two_workers(make_app, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            database_url: str) -> None:
    app: Flask = make_app()
    event_id = add_event(app, capacity=SEATS, title_fr="Places limitées")
    emails = [f"foule{number:02d}@test.crpm" for number in range(PEOPLE)]
    with app.app_context():
        for email in emails:
            users.create_user(email, email.split("@")[0], PASSWORD, language="fr")
    env = server_env(tmp_path, database_url)
    with ExitStack() as running:
        servers = [running.enter_context(gunicorn(env, tmp_path / f"worker{n}.log"))
                   for n in (1, 2)]
        base_of = {email: servers[number % 2] for number, email in enumerate(emails)}
        with ThreadPoolExecutor(max_workers=10) as pool:  # sign everyone in, ten at a time
            sessions = pool.map(lambda email: signed_in(base_of[email], email, event_id), emails)
            browsers = dict(zip(emails, sessions, strict=True))
        start = threading.Barrier(PEOPLE)

        def post(email: str, action: str) -> int:
            session, token = browsers[email]
            return session.post(f"{base_of[email]}/events/{event_id}/{action}",
                                data={"csrf_token": token}, allow_redirects=False,
                                timeout=60).status_code

        def register(email: str) -> int:
            start.wait(timeout=30)
            return post(email, "register")

        with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
            statuses = list(pool.map(register, emails))
        assert statuses == [303] * PEOPLE, (tmp_path / "worker1.log").read_text()[-3000:]

        queue = list(states(app, event_id).items())
        assert [state for _user, state in queue] == ["registered"] * SEATS + [
            "waitlisted"] * (PEOPLE - SEATS)
        with app.app_context():
            taken = db.session.scalar(select(RegistrationActivity.seats_taken).where(
                RegistrationActivity.owner == OWNER, RegistrationActivity.external_id == event_id))
        assert taken == SEATS
        assert wait_for_outbox(app) == 0  # each worker sends once its response is out
        subjects = outbox_subjects(tmp_path / "instance")
        assert subjects.count("Vous êtes inscrit·e : Places limitées") == SEATS
        assert subjects.count("Vous êtes sur la liste d’attente : Places limitées") == 30

        first_waiting = [user for user, state in queue if state == "waitlisted"][:CANCELLING]
        email_of = {user_id(app, email): email for email in emails}
        for user, _state in queue[:CANCELLING]:
            assert post(email_of[user], "withdraw") == 303
    after = states(app, event_id)
    assert [after[user] for user in first_waiting] == ["registered"] * CANCELLING
    assert list(after.values()).count("registered") == SEATS
    assert wait_for_outbox(app) == 0
    subjects = outbox_subjects(tmp_path / "instance")
    assert subjects.count("Une place pour vous : Places limitées") == CANCELLING
