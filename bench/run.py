"""Benchmark: ``python bench/run.py [--quick]`` prints one table of timings and SQL query counts.

What the design's budgets speak of:

- sign-in answers take the same time whether or not the address exists (real argon2id cost),
  measured in-process;
- the home page, the news list, the news API and the organisations directory (2,000
  organisations) with 10,000 and then 100,000 published news
  items (``--quick``: 1,000 and 5,000), served by gunicorn on 127.0.0.1 and loaded by a bounded
  client (threads, a fixed number of requests, a time cap), side by side with the ceiling this
  stack allows (``bench/bare.py``): a bare Flask + Jinja page of the same size, and a bare
  Flask-SQLAlchemy page listing 20 rows;
- the SQL queries each page runs, counted in-process, which must not grow with the data.

Runs on a throwaway SQLite database, or on ``CRPM_BENCH_DATABASE_URL`` (PostgreSQL: an empty
database that the benchmark fills).
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crpm_cms import create_app  # noqa: E402
from crpm_cms.cli import initialise  # noqa: E402
from crpm_cms.config import database_uri  # noqa: E402
from crpm_cms.content.models import ContentItem  # noqa: E402
from crpm_cms.extensions import db  # noqa: E402
from crpm_cms.organisations.models import Organisation  # noqa: E402
from crpm_cms.timezones import utcnow  # noqa: E402
from crpm_cms.users import services as accounts  # noqa: E402 - also for plugins' bench.py

SIZES, QUICK_SIZES = (10_000, 100_000), (1_000, 5_000)
PAGES = ("/", "/news/", "/api/v1/news", "/organisations/")
ORGANISATIONS = 2_000
REQUESTS, TIME_CAP, THREADS, WORKERS = 400, 6.0, 4, 2
BATCH = 5_000
SIGN_IN_ROUNDS = 15


# -- data ------------------------------------------------------------------------------------------


def grow_content(app, size: int) -> None:  # type: ignore[no-untyped-def]
    """Published news up to ``size`` and a tenth as many publications, inserted in batches."""
    with app.app_context():
        for kind, wanted in (("news", size), ("publication", size // 10)):
            have = db.session.scalar(select(func.count()).where(ContentItem.kind == kind)) or 0
            for start in range(have, wanted, BATCH):
                db.session.execute(insert(ContentItem), [
                    item_row(kind, number) for number in range(start, min(start + BATCH, wanted))])
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE content_items"))
            db.session.commit()


def add_organisations(app) -> None:  # type: ignore[no-untyped-def]
    """A directory of ORGANISATIONS organisations (the same for every size of content)."""
    now = utcnow()
    with app.app_context():
        db.session.execute(insert(Organisation), [
            {"slug": f"association-{number}", "name": f"Association {number:05d}", "kind": "cso",
             "country_code": "SN", "description_fr": "", "description_en": "",
             "visibility": "public", "created_at": now, "updated_at": now}
            for number in range(ORGANISATIONS)])
        db.session.commit()


def item_row(kind: str, number: int) -> dict[str, object]:
    now = utcnow()
    return {"kind": kind, "slug": f"{kind}-{number}", "title": f"Actualité du réseau n° {number}",
            "summary": "Les organisations de la société civile et les administrations du "
                       "réseau ont échangé sur la gouvernance des migrations.",
            "body_html": "<p>Texte de l'article.</p>" * 20,
            "language": "en" if number % 4 == 0 else "fr", "status": "published",
            "publish_at": now - timedelta(minutes=number), "featured": number % 50 == 0,
            "country_code": "SN", "document_type": "study" if kind == "publication" else None,
            "cover_alt": "", "version": 1, "created_at": now, "updated_at": now}


# -- measuring ------------------------------------------------------------------------------------


@dataclass
class Load:
    requests: int
    seconds: float
    median_ms: float
    p95_ms: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load(port: int, path: str) -> Load:
    """At most REQUESTS requests (or TIME_CAP seconds) from THREADS clients; latencies kept."""
    for _ in range(10):  # warm up each worker's caches
        get(port, path)
    timings: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + TIME_CAP

    def client() -> None:
        while time.perf_counter() < deadline:
            with lock:
                if len(timings) >= REQUESTS:
                    return
            start = time.perf_counter()
            status = get(port, path)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                timings.append(elapsed)
                errors[0] += status != 200

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ordered = sorted(timings)
    return Load(len(ordered), seconds, statistics.median(ordered),
                ordered[int(len(ordered) * 0.95) - 1], errors[0])


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Language": "fr"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def count_queries(app, action: Callable[[], object]) -> int:  # type: ignore[no-untyped-def]
    seen = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def median_ms(action: Callable[[], object], rounds: int = SIGN_IN_ROUNDS) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


# -- servers --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, environment: dict[str, str], log: Path) -> Iterator[int]:
    """A gunicorn server on 127.0.0.1 for the duration of the block; its port."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind",
               f"127.0.0.1:{port}", "--pythonpath", f"{ROOT},{ROOT / 'bench'}",
               "--log-level", "warning", app_spec]
    with log.open("w") as output:
        server = subprocess.Popen(command, env={**os.environ, **environment}, stdout=output,
                                  stderr=subprocess.STDOUT)
        try:
            wait_until_up(port, server)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=30)


def wait_until_up(port: int, server: subprocess.Popen) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped; see its log in the benchmark folder")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 60 s")


# -- the table ------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    items: str = "-"
    queries: str = "-"
    size: str = "-"
    measured: Load | None = None
    median: float | None = None  # in-process measures
    vs_jinja: str = "-"
    vs_list: str = "-"


def print_table(rows: list[Row]) -> None:
    header = ("measure", "items", "SQL", "KB", "req/s", "median ms", "p95 ms",
              "vs bare Jinja", "vs bare SQLA")
    lines = [header]
    for row in rows:
        load_ = row.measured
        lines.append((row.name, row.items, row.queries, row.size,
                      f"{load_.per_second:.0f}" if load_ else "-",
                      f"{load_.median_ms if load_ else row.median:.1f}",
                      f"{load_.p95_ms:.1f}" if load_ else "-", row.vs_jinja, row.vs_list))
    markdown_table(lines)


def markdown_table(lines: list[tuple[str, ...]]) -> None:
    """Print a Markdown table, header first, columns aligned (the first to the left)."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for number, line in enumerate(lines):
        print("| " + " | ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                                for i, (cell, width) in enumerate(zip(line, widths, strict=True)))
              + " |")
        if number == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


def ratio(page: Load, bare: Load) -> str:
    return f"{page.per_second / bare.per_second:.0%}" if bare.per_second else "-"


# -- running --------------------------------------------------------------------------------------


def sign_in_rows(app) -> list[Row]:  # type: ignore[no-untyped-def]
    with app.app_context():
        accounts.create_user("known@bench.crpm", "Known", "the right password")
    client = app.test_client()
    rows = []
    for name, email in (("sign-in, wrong password", "known@bench.crpm"),
                        ("sign-in, unknown e-mail", "nobody@bench.crpm")):
        rows.append(Row(name, median=median_ms(lambda email=email: client.post(
            "/login", data={"email": email, "password": "wrong password"}))))
    return rows


def page_rows(app, size: int, port: int, bare_port: int) -> list[Row]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    bare_list = load(bare_port, "/list")
    rows = []
    for path in PAGES:
        body = client.get(path, headers={"Accept-Language": "fr"}).data
        queries = count_queries(app, lambda path=path: client.get(path))
        measured = load(port, path)
        bare = load(bare_port, f"/page?bytes={len(body)}")
        rows.append(Row(f"GET {path}", f"{size:,}", str(queries), f"{len(body) / 1024:.1f}",
                        measured, vs_jinja=ratio(measured, bare), vs_list=ratio(measured,
                                                                                bare_list)))
        rows.append(Row(f"  bare Flask + Jinja, {len(body) / 1024:.1f} KB", "-", "0",
                        f"{len(body) / 1024:.1f}", bare))
    rows.append(Row("  bare Flask-SQLAlchemy list of 20", f"{size:,}", "1", "-", bare_list))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 5,000 items")
    sizes = QUICK_SIZES if parser.parse_args().quick else SIZES
    folder = Path(tempfile.mkdtemp(prefix="crpm-bench-"))
    url = os.environ.get("CRPM_BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    settings = {"SECRET_KEY": "bench", "DATABASE_URL": url, "LOGIN_RATE_LIMIT": "100000/minute"}
    app = create_app({"INSTANCE_PATH": folder, **settings, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        initialise("all")
    rows = sign_in_rows(app)
    add_organisations(app)
    environment = {"CRPM_INSTANCE_PATH": str(folder), "CRPM_SECRET_KEY": "bench",
                   "CRPM_DATABASE_URL": url,
                   "BARE_DATABASE_URL": database_uri(url, folder)}
    with gunicorn("crpm_cms:create_app()", environment, folder / "crpm.log") as port, \
            gunicorn("bare:create_app()", environment, folder / "bare.log") as bare_port:
        for size in sizes:
            started = time.perf_counter()
            grow_content(app, size)
            print(f"{size:,} news items ready in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)
            rows += page_rows(app, size, port, bare_port)
    print(f"gunicorn: {WORKERS} sync workers; client: {THREADS} threads, at most {REQUESTS} "
          f"requests or {TIME_CAP:.0f} s per row; {db_name(url)}; {os.cpu_count()} CPUs\n")
    print_table(rows)


def db_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgres") else "SQLite (WAL)"


if __name__ == "__main__":
    main()
