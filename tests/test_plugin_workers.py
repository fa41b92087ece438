"""Disable and enable take effect in every running worker process, without a restart.

Two real gunicorn servers share this test's database (SQLite file or PostgreSQL); a third process
runs ``crpm plugins disable|enable example`` and both servers follow on their next request.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from crpm_cms.testing.servers import fetch, gunicorn
from tests.test_plugins import require_example_plugin

require_example_plugin()

pytestmark = pytest.mark.slow  # two gunicorn servers and two commands

COMMAND_TIMEOUT = 120


@pytest.fixture
def crpm_env(tmp_path: Path, database_url: str, make_app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """``CRPM_*`` settings of a deployment on this test's database, example plugin enabled."""
    make_app()  # the database and instance folder as `crpm init` leaves them, plugins enabled
    env = {key: value for key, value in os.environ.items() if not key.startswith("CRPM_")}
    env.update(CRPM_DATABASE_URL=database_url, CRPM_SECRET_KEY="workers-test",
               CRPM_INSTANCE_PATH=str(tmp_path / "instance"), CRPM_TESTING="true")
    return env


def crpm(env: dict[str, str], *args: str) -> None:
    """``crpm …`` in its own process, as an administrator would type it."""
    result = subprocess.run(
        [sys.executable, "-c", "from crpm_cms.cli import main; main()", *args],
        env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def assert_served_everywhere(servers: list[str], visible: bool) -> None:
    for url in servers:
        status, _ = fetch(f"{url}/example/")
        assert status == (200 if visible else 404), url
        status, home = fetch(f"{url}/")
        assert status == 200
        assert ('href="/example/"' in home) is visible, url


def test_switching_takes_effect_in_every_worker_without_restart(crpm_env: dict[str, str],
                                                                 tmp_path: Path) -> None:
    with ExitStack() as servers_running:
        servers = [servers_running.enter_context(gunicorn(crpm_env, tmp_path / f"worker{n}.log"))
                   for n in (1, 2)]
        assert_served_everywhere(servers, visible=True)

        crpm(crpm_env, "plugins", "disable", "example")
        assert_served_everywhere(servers, visible=False)

        crpm(crpm_env, "plugins", "enable", "example")
        assert_served_everywhere(servers, visible=True)
