"""Four real processes publishing at once for a minute (like four gunicorn workers): no error,
no dropped update, and afterwards every item is found and the index matches the database.

Each backend gets its full minute on its own database pass (Whoosh on SQLite, PostgreSQL on
PostgreSQL); Whoosh on PostgreSQL, already stressed on the SQLite pass, gets 10 seconds.
``CRPM_SEARCH_STRESS_SECONDS`` overrides the duration.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask import Flask

from tests.test_search_index import cli, outbox
from tests.test_search_support import AUTHOR, api, backend_of, search_app_fixture

search_app = search_app_fixture(SEARCH_EXACT_COUNTS_UP_TO=10**9)  # totals checked exactly

pytestmark = pytest.mark.slow  # four processes for a minute

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = 4

WORKER = textwrap.dedent("""
    import json, logging, sys, time
    from crpm_cms import create_app
    from crpm_cms.content import services as content
    from crpm_cms.organisations import services as organisations
    from crpm_cms.users.services import find_by_email

    number, seconds, config = int(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3])
    failures = []

    class Failures(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.WARNING:
                failures.append(record.getMessage())

    logging.getLogger("crpm_cms").addHandler(Failures())
    app = create_app(config)
    published, deadline, count = [], time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        word = f"jeton{number}x{count}"
        try:
            with app.test_request_context("/"):  # one context per publication, as a request
                if count % 2:
                    data = organisations.OrganisationData(
                        name=f"Parution {word}", kind="cso", country_code="SN")
                    organisations.save(None, data, None)
                else:
                    author = find_by_email(sys.argv[4])
                    item = content.create_item(
                        "news", content.ContentData(title=f"Parution {word}"), author)
                    content.apply_action(item, "publish", author)
            published.append(word)
        except Exception as error:  # counted: the test wants none
            failures.append(repr(error))
        count += 1
    print(json.dumps({"published": published, "failures": failures}))
""")


def duration(app: Flask, backend: str) -> float:
    if "CRPM_SEARCH_STRESS_SECONDS" in os.environ:
        return float(os.environ["CRPM_SEARCH_STRESS_SECONDS"])
    on_postgresql = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    return 10.0 if on_postgresql and backend == "whoosh" else 60.0


def test_four_processes_publishing_at_once_lose_nothing(search_app: Flask,
                                                        database_url: str) -> None:
    backend = backend_of(search_app)
    with search_app.app_context():
        from tests.test_search_support import author

        author(search_app)  # created once, before the workers race
    config = {"INSTANCE_PATH": search_app.instance_path, "SECRET_KEY": "t", "TESTING": True,
              "DATABASE_URL": database_url, "SEARCH_BACKEND": backend}
    seconds = duration(search_app, backend)
    workers = [subprocess.Popen(
        [sys.executable, "-c", WORKER, str(number), str(seconds), json.dumps(config), AUTHOR],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for number in range(PROCESSES)]
    reports = []
    for worker in workers:
        stdout, stderr = worker.communicate(timeout=seconds + 120)
        assert worker.returncode == 0, stderr[-3000:]
        reports.append(json.loads(stdout.strip().splitlines()[-1]))
    assert [report["failures"] for report in reports] == [[]] * PROCESSES
    words = [word for report in reports for word in report["published"]]
    assert len(words) >= PROCESSES * 5, "the workers hardly published anything"
    client = search_app.test_client()
    assert api(client, q="parution")["total"] == len(words)  # applies what is left, if any
    assert outbox(search_app) == []
    for word in words[:: max(1, len(words) // 40)]:  # a sample, each by its own word
        assert [hit["title"] for hit in api(client, q=word)["results"]] == [f"Parution {word}"]
    report = cli(search_app, "search", "check")
    assert report.exit_code == 0, report.output
