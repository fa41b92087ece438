"""Doing things at the same moment, as many people on one site do."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

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
