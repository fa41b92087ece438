"""Page weight of the indicators plugin: ``python plugins/indicators/bench.py`` prints one table.

For each chart page, what a first (cold) visit transfers — the HTML and every file it links to
(style sheets, icon, scripts, images) — uncompressed and gzip-compressed as a reverse proxy would
serve it, against the 100 KB budget (docs/benchmarks.md); the SQL queries it runs; and its median
time in-process. Two data sets: the demo values (6 countries x 6 years, by sex), then a large one
(9 countries x 30 years, by sex and age group) to show what grows with the data.
Runs on a throwaway SQLite database.
"""

from __future__ import annotations

import gzip
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))  # the harness, bench/run.py

from run import create_app, initialise  # noqa: E402

from crpm_cms.plugin_api import db  # noqa: E402

BUDGET_KB = 100
ROUNDS = 15
PAGES = ("/indicators/CRPM-06", "/indicators/CRPM-06?country=SN", "/indicators/CRPM-03",
         "/indicators/frameworks/gcm", "/indicators/countries/SN", "/indicators/completeness")
LINKED = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')


def build_app(folder: Path):  # type: ignore[no-untyped-def]
    app = create_app({"INSTANCE_PATH": folder, "SECRET_KEY": "bench", "TESTING": True,
                      "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}"})
    with app.app_context():
        initialise("all")
        app.extensions["crpm_plugins"].answers("load_demo_data", enabled_only=False)
    return app


def grow(app) -> int:  # type: ignore[no-untyped-def]
    """Thirty years for every country, by sex and by age group, for CRPM-06."""
    from crpm_plugins.indicators import services
    from crpm_plugins.indicators.services import Observation

    with app.app_context():
        indicator = services.indicator_by_code("CRPM-06")
        breakdowns = [{}, {"sex": "F"}, {"sex": "M"}, {"age": "Y15T24"}, {"age": "Y25T64"},
                      {"sex": "F", "age": "Y15T24"}, {"sex": "M", "age": "Y15T24"}]
        entries = [Observation(country, str(year), year, breakdown, 100 + year % 7 + index)
                   for country in services.country_map() for year in range(1995, 2025)
                   for index, breakdown in enumerate(breakdowns)]
        services.save_entries(indicator, entries, None)
        return len(services.stored_values(indicator))


def linked_files(html: str) -> list[str]:
    return [url for url in LINKED.findall(html)
            if url.startswith("/") and not url.startswith("//") and "/feeds/" not in url]


def measure(app, path: str) -> tuple[int, int, int, int, float]:  # type: ignore[no-untyped-def]
    """(files, raw bytes, gzip bytes, SQL queries, median ms) of a cold visit to ``path``."""
    client = app.test_client()
    queries = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: queries.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    page = client.get(path)
    event.remove(engine, "before_cursor_execute", listener)
    bodies = [page.data] + [client.get(url).data for url in linked_files(page.get_data(
        as_text=True))]
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return (len(bodies), sum(map(len, bodies)), sum(len(gzip.compress(b)) for b in bodies),
            len(queries), statistics.median(times))


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        for label in ("demo", "large"):
            values = grow(app) if label == "large" else None
            for path in PAGES:
                files, raw, packed, sql, median = measure(app, path)
                rows.append((path, label if values is None else f"{label} ({values:,} values)",
                             files, raw / 1024, packed / 1024, sql, median))
    print(f"cold visit = the page and every file it links to; budget {BUDGET_KB} KB compressed; "
          f"median of {ROUNDS} in-process requests; SQLite\n")
    print(f"| {'page':34} | {'data':22} | files | raw KB | gzip KB | SQL | median ms |")
    print(f"|{'-' * 36}|{'-' * 24}|-------|--------|---------|-----|-----------|")
    for path, label, files, raw, packed, sql, median in rows:
        flag = "" if packed < BUDGET_KB else " !"
        print(f"| {path:34} | {label:22} | {files:5} | {raw:6.1f} | {packed:6.1f}{flag:1} | "
              f"{sql:3} | {median:9.1f} |")


if __name__ == "__main__":
    main()
