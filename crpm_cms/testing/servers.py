"""Real server processes for the tests that need several of them (workers sharing one site)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

START_TIMEOUT = 60  # seconds for a server to answer its first request
REQUEST_TIMEOUT = 10


def fetch(url: str) -> tuple[int, str]:
    """``(status, body)`` of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    """A gunicorn server of ``crpm_cms:create_app()`` configured by ``env`` (``CRPM_*``), on a
    socket the OS gave a free port; yields its base URL. Its output goes to ``log``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--timeout", "30",
             "--graceful-timeout", "2", "--bind", f"fd://{listener.fileno()}",
             "crpm_cms:create_app()"],
            env=env, stdout=output, stderr=subprocess.STDOUT, pass_fds=(listener.fileno(),),
        )
    try:
        wait_until_serving(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        listener.close()


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            fetch(f"{url}/")
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {START_TIMEOUT} s:\n{log.read_text()}")
