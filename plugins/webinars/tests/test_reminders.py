"""``crpm webinars send-reminders``: the 24-hour and 1-hour reminders go out once each, even
when cron starts the command twice at the same moment (two real processes, one real SMTP server
on loopback)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from crpm_plugins.webinars.models import ReminderSent, WebinarEvent
from flask import Flask
from sqlalchemy import func, select

from crpm_cms.plugin_api import db, utcnow

from .helpers import SECRET_LINK, add_event, add_member, browser, message_parts, subject

SITE = "http://crpm.test"


def crpm_env(database_url: str, instance: Path, smtp_port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("CRPM_") or key == "CRPM_PLUGINS"}
    env.update(CRPM_DATABASE_URL=database_url, CRPM_INSTANCE_PATH=str(instance),
               CRPM_SECRET_KEY="test-secret", CRPM_TESTING="true", CRPM_MAIL_SERVER="127.0.0.1",
               CRPM_MAIL_PORT=str(smtp_port))
    return env


def start_command(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from crpm_cms.cli import main; main()",
                             "webinars", "send-reminders", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def starting_in(app: Flask, delay: timedelta, **changes: object) -> int:
    """An event in Dakar (UTC all year) starting after ``delay``, minutes rounded down."""
    start = (utcnow() + delay).replace(second=0, microsecond=0)
    return add_event(app, starts_local=start, ends_local=start + timedelta(hours=1), **changes)


def register(app: Flask, event_id: int, *emails: str) -> None:
    for email in emails:
        assert browser(app, email).post_form(f"/events/{event_id}/register").status_code == 303


def reminders_of(inbox) -> Counter[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return Counter((message["To"], subject(message)) for message in inbox.messages
                   if subject(message).startswith(("Rappel", "Bientôt")))


@pytest.mark.slow  # two commands in processes of their own
def test_each_reminder_goes_once_even_when_two_runs_start_together(
        make_app, smtp, database_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inbox, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    ana, ben, cli, dia = (add_member(app, f"{name}@test.crpm") for name in
                          ("ana", "ben", "cli", "dia"))
    tomorrow = starting_in(app, timedelta(hours=23), capacity=2, title_fr="Demain")
    register(app, tomorrow, ana, ben, cli)  # cli waits: no reminder
    soon = starting_in(app, timedelta(minutes=50), title_fr="Tout à l'heure")
    register(app, soon, dia)
    later = starting_in(app, timedelta(days=3), title_fr="Plus tard")
    register(app, later, ana)
    cancelled = starting_in(app, timedelta(hours=20), title_fr="Annulé")
    register(app, cancelled, ben)
    with app.app_context():
        db.session.get(WebinarEvent, cancelled).status = "cancelled"
        db.session.commit()
    inbox.messages.clear()

    env = crpm_env(database_url, tmp_path / "instance", port)
    runs = [start_command(env, "--site-url", SITE) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    sent = sum(int(out.split(" reminder")[0]) for out, _err in outputs)
    expected = Counter({(ana, "Rappel : Demain"): 1, (ben, "Rappel : Demain"): 1,
                        (dia, "Bientôt : Tout à l'heure"): 1})
    assert reminders_of(inbox) == expected and sent == 3

    message = next(m for m in inbox.messages if m["To"] == dia)
    body = message_parts(message)["text/plain"].get_payload(decode=True).decode()
    assert SECRET_LINK in body and f"{SITE}/events/{soon}" in body

    again = app.test_cli_runner().invoke(args=["webinars", "send-reminders", "--site-url", SITE])
    assert again.output == "0 reminder(s) sent.\n"
    assert reminders_of(inbox) == expected
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 3


def test_a_moved_event_gets_new_reminders_and_cron_needs_the_site_address(
        make_app, smtp) -> None:  # type: ignore[no-untyped-def]
    inbox, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, SITE_URL=SITE)
    ana = add_member(app, "ana@test.crpm")
    event_id = starting_in(app, timedelta(minutes=30), title_fr="Déplacé")
    register(app, event_id, ana)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "run", "webinars.send_reminders"])
    assert "webinars.send_reminders: 1 reminder(s) sent" in result.output, result.output
    with app.app_context():  # the organisers move it to tomorrow
        event = db.session.get(WebinarEvent, event_id)
        event.starts_at += timedelta(hours=20)
        event.ends_at += timedelta(hours=20)
        db.session.commit()
    assert runner.invoke(args=["webinars", "send-reminders"]).output == "1 reminder(s) sent.\n"
    assert reminders_of(inbox) == Counter({(ana, "Bientôt : Déplacé"): 1,
                                           (ana, "Rappel : Déplacé"): 1})

    without_address = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, SITE_URL=None)
    refused = without_address.test_cli_runner().invoke(args=["webinars", "send-reminders"])
    assert refused.exit_code == 1 and "Définissez SITE_URL (CRPM_SITE_URL)" in refused.output
    from crpm_cms.testing import set_plugin_enabled as set_enabled

    with app.app_context():
        set_enabled("webinars", False)
    skipped = runner.invoke(args=["webinars", "send-reminders"])
    assert skipped.output == "Skipped: the webinars plugin is disabled.\n"
