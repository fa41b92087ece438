"""Doing things at the same moment, as many people on one site do."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from werkzeug.test import TestResponse

T = TypeVar("T")


def at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Run each call in its own thread, all released together by a barrier; their results in
    the order of ``calls`` (an exception in one is raised here)."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def one_save_wins(answers: list[TestResponse], saved: int = 302) -> tuple[int, dict[int, str]]:
    """Of simultaneous saves of one record, exactly one is acknowledged (``saved``) and every
    other refused (409): the winner's index, and each refused page by index, as text with
    its HTML entities decoded."""
    statuses = [answer.status_code for answer in answers]
    assert sorted(statuses) == [saved] + [409] * (len(answers) - 1), statuses
    return statuses.index(saved), {number: html.unescape(answer.get_data(as_text=True))
                                   for number, answer in enumerate(answers)
                                   if answer.status_code == 409}
