"""Benchmark of the registration service: ``python bench/registrations.py [--people N]``.

Prints one table: how long registrations, withdrawals (each promoting the next person) and an
``expire_offers`` run take when PROCESSES worker processes (each with its own app, THREADS
threads each) all hit one activity at once, the throughput, and the latency of one call (median
and 95th percentile). Runs on a throwaway SQLite file, and on ``CRPM_BENCH_DATABASE_URL`` too
when set (PostgreSQL: an empty database; the benchmark creates and then empties its tables).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crpm_cms import create_app  # noqa: E402
from crpm_cms.cli import initialise  # noqa: E402
from crpm_cms.config import database_uri  # noqa: E402
from crpm_cms.extensions import db  # noqa: E402
from crpm_cms.registrations import services as registrations  # noqa: E402
from crpm_cms.registrations.models import Registration  # noqa: E402
from crpm_cms.timezones import utcnow  # noqa: E402
from crpm_cms.users.models import User  # noqa: E402

PROCESSES, THREADS = 4, 8


def settings(url: str, folder: Path) -> dict:
    return {"INSTANCE_PATH": folder, "SECRET_KEY": "bench", "DATABASE_URL": url}


def worker(config: dict, step: str, ids: list[int], start, answers) -> None:  # noqa: ANN001
    """One process: its own app; THREADS threads share ``ids``; reports each call's latency."""
    app = create_app(config)

    def call(item: int) -> float:
        with app.app_context():
            began = time.perf_counter()
            if step == "register":
                activity = registrations.find_activity("bench.event", 1)
                registrations.register(activity, db.session.get_one(User, item))
            else:
                registration = db.session.get_one(Registration, item)
                registrations.transition(registration, "withdraw", registration.user)
            return time.perf_counter() - began

    start.wait(timeout=300)
    with ThreadPoolExecutor(THREADS) as pool:
        answers.put(list(pool.map(call, ids)))


def concurrently(config: dict, step: str, ids: list[int]) -> tuple[float, list[float]]:
    context = multiprocessing.get_context("fork")
    start, answers = context.Barrier(PROCESSES + 1), context.Queue()
    processes = [context.Process(target=worker, args=(config, step, ids[n::PROCESSES], start,
                                                      answers)) for n in range(PROCESSES)]
    for process in processes:
        process.start()
    start.wait(timeout=300)
    began = time.perf_counter()
    latencies = [value for _ in processes for value in answers.get(timeout=600)]
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join(timeout=60)
    return elapsed, latencies


def prepare(config: dict, people: int, seats: int) -> list[int]:
    app = create_app(config)
    with app.app_context():
        initialise("all")
        users = [User(email=f"bench{n}@bench.crpm", display_name=f"Bench {n}", status="active",
                      country_code="SN" if n % 2 else "CI", gender="woman" if n % 3 else "man")
                 for n in range(people)]
        db.session.add_all(users)
        db.session.commit()
        registrations.ensure_activity("bench.event", 1, capacity=seats, offer_days=2,
                                      promote_to="offered", quotas={"sex": {"man": seats // 3}})
        ids = [user.id for user in users]
        db.session.remove()
        db.engine.dispose()
    return ids


def expire_all(config: dict) -> tuple[float, int]:
    app = create_app(config)
    with app.app_context():
        activity = registrations.find_activity("bench.event", 1)
        began = time.perf_counter()
        count = registrations.expire_offers(utcnow() + timedelta(days=3))
        elapsed = time.perf_counter() - began
        assert registrations.counts(activity)["seats_left"] is not None
        db.session.remove()
        db.engine.dispose()
    return elapsed, count


def row(name: str, count: int, elapsed: float, latencies: list[float]) -> str:
    ordered = sorted(latencies) or [0.0]
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"| {name} | {count} | {elapsed:.2f} | {count / elapsed:.0f} | "
            f"{statistics.median(ordered) * 1000:.0f} | {p95 * 1000:.0f} |")


def run(label: str, url: str, people: int, seats: int) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="crpm-bench-registrations-"))
    config = settings(url, folder)
    ids = prepare(config, people, seats)
    elapsed, latencies = concurrently(config, "register", ids)
    lines = [row(f"{label}: register ({people} people, {seats} seats)", people, elapsed,
                 latencies)]
    app = create_app(config)
    with app.app_context():
        seated = [r.id for r in registrations.registrations_for(
            registrations.find_activity("bench.event", 1), ["registered"])][: seats // 2]
        db.engine.dispose()
    elapsed, latencies = concurrently(config, "withdraw", seated)
    lines.append(row(f"{label}: withdraw + promote", len(seated), elapsed, latencies))
    elapsed, count = expire_all(config)
    lines.append(row(f"{label}: expire_offers (+ next offers)", count, elapsed, []))
    if url.startswith("postgresql"):
        empty(config)
    return lines


def empty(config: dict) -> None:
    app = create_app(config)
    with app.app_context():
        db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--seats", type=int, default=100)
    options = parser.parse_args()
    lines = ["| scenario | calls | seconds | calls/s | median ms | p95 ms |",
             "|---|---|---|---|---|---|"]
    folder = Path(tempfile.mkdtemp(prefix="crpm-bench-registrations-"))
    lines += run("SQLite", database_uri(None, folder), options.people, options.seats)
    if os.environ.get("CRPM_BENCH_DATABASE_URL"):
        lines += run("PostgreSQL", os.environ["CRPM_BENCH_DATABASE_URL"], options.people,
                     options.seats)
    print(f"{PROCESSES} processes x {THREADS} threads, one activity, a sex quota; "
          f"{os.cpu_count()} CPUs")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
