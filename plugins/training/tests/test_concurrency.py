"""Seats are never oversold: fifty members apply at once to a 20-seat training with a country
quota, an admin approves every application at once, every approved person confirms at once,
then ten people withdraw at once — all over HTTP against gunicorn with two worker processes on
one database (SQLite file, or PostgreSQL with CRPM_TEST_DATABASE_URL), with bounded threads.

Exactly 20 people hold seats, the quota holds, the rest wait in the order they applied, the ten
freed seats go to the next ten eligible people in that order, nothing answers with an error, and
each transition sent exactly one e-mail.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from crpm_plugins.training.services import OWNER
from flask import Flask

from crpm_cms.plugin_api import SEAT_STATES, Registration, db, registrations
from crpm_cms.testing import FAST_HASHING, PASSWORD, accounts, wait_for_outbox

from .helpers import make_members, make_training, transitions_count

pytestmark = pytest.mark.slow  # two gunicorn servers

SEATS, SN_QUOTA, PEOPLE, THREADS = 20, 6, 50, 12
OTHER_COUNTRIES = ("CI", "GN", "CM", "MA", "TN", "KM", "MG")
TIMEOUT = 30


class Visitor:
    """One person's browser: a cookie jar, no automatic redirects, a CSRF token."""

    def __init__(self, base: str) -> None:
        self.base, self.token = base, ""
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode() \
            if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=TIMEOUT) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, email: str, form_page: str) -> None:
        """Sign in, then read the CSRF token of the session from a page with a form."""
        self.take_token("/login")
        status, _ = self.open("/login", {"email": email, "password": PASSWORD})
        assert status == 302, email
        self.take_token(form_page)

    def take_token(self, path: str) -> None:
        _, page = self.open(path)
        self.token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    """gunicorn with two sync workers on a port the OS picked; the access log names the pid."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "60",
         "--graceful-timeout", "2", "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log),
         "--access-logformat", "%(p)s %(s)s %(r)s", "crpm_cms:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=(log.parent / "errors.log").open("wb"))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (log.parent / "errors.log").read_text()
            try:
                urllib.request.urlopen(f"{url}/trainings/", timeout=5).close()  # noqa: S310
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def at_once(work: Callable[[Visitor], tuple[int, str]], people: list[Visitor]) -> list[int]:
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return [status for status, _ in pool.map(work, people)]


def seat_holders(app, training_id: int) -> list[Registration]:  # type: ignore[no-untyped-def]
    with app.app_context():
        activity = registrations.find_activity(OWNER, training_id)
        rows = registrations.registrations_for(activity)
        for row in rows:
            db.session.expunge(row)
        return rows


def expected_promotions(waiting: list[Registration], sn_holders: int, seats: int) -> list[int]:
    """The oracle: walk the waiting list in order, skipping people whose quota is full."""
    chosen = []
    for person in waiting:
        if len(chosen) == seats:
            break
        if person.country_code == "SN":
            if sn_holders >= SN_QUOTA:
                continue
            sn_holders += 1
        chosen.append(person.id)
    return chosen


@pytest.fixture
def server(make_app, smtp, tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    inbox, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    env = {key: value for key, value in os.environ.items() if not key.startswith("CRPM_")}
    env.update(CRPM_DATABASE_URL=database_url, CRPM_SECRET_KEY="concurrency",
               CRPM_INSTANCE_PATH=str(tmp_path / "instance"), CRPM_TESTING="true",
               CRPM_MAIL_SERVER="127.0.0.1", CRPM_MAIL_PORT=str(port),
               CRPM_LOGIN_RATE_LIMIT="100000 per minute",
               **{f"CRPM_{key}": str(value) for key, value in FAST_HASHING.items()})
    log = tmp_path / "access.log"
    with gunicorn(env, log) as url:
        yield app, inbox, url, log


@dataclass
class Crowd:
    """The training, its fifty applicants signed in (one browser each) and the admin's tabs."""

    app: Flask
    training_id: int
    emails: list[str]
    people: list[Visitor]
    admins: list[Visitor]

    def post(self, visitors: list[Visitor], path: str) -> list[int]:
        """The same form sent by each visitor at once (bounded threads); the statuses."""
        return at_once(lambda v: v.open(path.format(id=self.training_id), {}), visitors)

    def browser_of(self, registration: Registration) -> Visitor:
        return self.people[self.emails.index(registration.user.email)]


def crowd(app: Flask, url: str) -> Crowd:
    training_id = make_training(app, capacity=SEATS, quotas={"country": {"SN": SN_QUOTA}})
    emails = [f"p{n:02d}@test.crpm" for n in range(PEOPLE)]
    make_members(app, {email: ("SN" if n % 5 < 2 else OTHER_COUNTRIES[n % 7],
                               "woman" if n % 2 else "man") for n, email in enumerate(emails)}
                 | {"admin@test.crpm": (None, None)})
    with app.app_context():
        accounts.set_roles(accounts.find_by_email("admin@test.crpm"), [("admin", None)])
    people = [Visitor(url) for _ in emails]
    admins = [Visitor(url) for _ in range(THREADS)]  # one admin, several browser tabs
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(Visitor.sign_in, people + admins,
                      emails + ["admin@test.crpm"] * THREADS,
                      [f"/trainings/{training_id}/apply"] * PEOPLE
                      + ["/trainings/new"] * THREADS))
    return Crowd(app, training_id, emails, people, admins)


def approve_everyone(crowd: Crowd) -> list[Registration]:
    """The admin approves all fifty applications at once, from several tabs and both workers."""
    rows = seat_holders(crowd.app, crowd.training_id)
    assert [r.state for r in rows] == ["applied"] * PEOPLE
    jobs = [(crowd.admins[n % THREADS], row.id) for n, row in enumerate(rows)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        approvals = list(pool.map(lambda job: job[0].open(
            f"/trainings/{crowd.training_id}/applications/{job[1]}/approve", {})[0], jobs))
    assert approvals == [302] * PEOPLE
    rows = seat_holders(crowd.app, crowd.training_id)
    approved = [r for r in rows if r.state == "approved"]
    assert len(approved) == SEATS
    assert sum(r.country_code == "SN" for r in approved) <= SN_QUOTA
    assert len([r for r in rows if r.state == "waitlisted"]) == PEOPLE - SEATS
    return approved


def waiting_in_arrival_order(crowd: Crowd, rows: list[Registration]) -> list[Registration]:
    """The waiting list, checked against the time each person applied (not approval time)."""
    waiting = [r for r in rows if r.state == "waitlisted"]
    assert len(waiting) == PEOPLE - SEATS
    with crowd.app.app_context():
        applied_at = {r.id: registrations.history(r)[0].at for r in waiting}
    assert [r.id for r in waiting] == sorted(applied_at, key=lambda i: (applied_at[i], i))
    return waiting


def test_fifty_apply_twenty_seats_two_workers(server) -> None:  # type: ignore[no-untyped-def]
    app, inbox, url, log = server
    group = crowd(app, url)
    assert group.post(group.people, "/trainings/{id}/apply") == [302] * PEOPLE
    approved = approve_everyone(group)
    assert group.post([group.browser_of(r) for r in approved],
                      "/trainings/{id}/confirm") == [302] * SEATS
    rows = seat_holders(app, group.training_id)
    assert sum(r.state == "registered" for r in rows) == SEATS
    waiting = waiting_in_arrival_order(group, rows)

    leaving = [r for r in rows if r.state == "registered" and r.country_code != "SN"][:10]
    sn_holders = sum(r.state == "registered" and r.country_code == "SN" for r in rows)
    promised = expected_promotions(waiting, sn_holders, len(leaving))
    assert group.post([group.browser_of(r) for r in leaving],
                      "/trainings/{id}/withdraw") == [302] * len(leaving)
    rows = seat_holders(app, group.training_id)
    assert [r.id for r in rows if r.state == "offered"] == promised
    holding = [r for r in rows if r.state in SEAT_STATES]
    assert len(holding) == SEATS and sum(r.country_code == "SN" for r in holding) <= SN_QUOTA
    with app.app_context():
        assert registrations.find_activity(OWNER, group.training_id).seats_taken == SEATS

    assert wait_for_outbox(app) == 0  # each worker sends once its response is out
    assert len(inbox.messages) == transitions_count(app)  # one e-mail per transition
    served_by = {line.split()[0] for line in log.read_text().splitlines()}
    assert len(served_by) == 2, "both worker processes answered"
    assert " 500 " not in log.read_text()
    assert "Traceback" not in (log.parent / "errors.log").read_text()
