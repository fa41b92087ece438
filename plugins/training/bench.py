"""Benchmark of the training plugin, `python plugins/training/bench.py [--quick]`: one table.

At two sizes (published trainings; applicants of one training), the public pages and the API are
served by gunicorn on 127.0.0.1 and loaded by the bounded client of ``bench/run.py``; the review
screen and the participant export (signed in as an admin) are timed in-process (median of 15).
"SQL" is the number of queries a page runs, which must not grow with the data. Runs on a
throwaway SQLite file, or on ``CRPM_BENCH_DATABASE_URL`` (an empty PostgreSQL database).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))  # the harness, bench/run.py

from crpm_plugins.training import applications, services  # noqa: E402
from crpm_plugins.training.models import Training, TrainingSession  # noqa: E402
from run import (  # noqa: E402
    REQUESTS,
    THREADS,
    TIME_CAP,
    WORKERS,
    accounts,
    count_queries,
    create_app,
    db_name,
    gunicorn,
    initialise,
    load,
    markdown_table,
    median_ms,
)

from crpm_cms.plugin_api import User, db, utcnow  # noqa: E402

SIZES = ((100, 100), (1_000, 400))
QUICK = ((50, 50), (300, 150))
PASSWORD = "bench-password-2026"
COUNTRIES = ("SN", "CI", "GN", "CM", "KM", "MG", "MA", "TN")


def fill(app, trainings: int, applicants: int) -> int:  # type: ignore[no-untyped-def]
    """Published trainings in bulk (each with a session), and one through the plugin's services
    with ``applicants`` applications; returns that one's id."""
    now = utcnow()
    with app.app_context():
        db.session.execute(insert(Training), [{
            "kind": "collective", "title_fr": f"Formation n° {n}", "title_en": f"Training {n}",
            "description_fr": "", "description_en": "", "objectives_fr": "",
            "objectives_en": "", "prerequisites_fr": "", "prerequisites_en": "",
            "country_code": COUNTRIES[n % 8], "timezone": "Africa/Dakar", "target_kinds": [],
            "applications_open_at": now - timedelta(days=1),
            "applications_close_at": now + timedelta(days=30), "published": True,
            "created_at": now, "updated_at": now} for n in range(trainings)])
        ids = db.session.scalars(select(Training.id)).all()
        db.session.execute(insert(TrainingSession), [{
            "training_id": i, "starts_at": now + timedelta(days=40),
            "ends_at": now + timedelta(days=40, hours=6), "timezone": "Africa/Dakar",
            "place": "Dakar", "online": False, "trainers": "", "language": "fr"} for i in ids])
        db.session.commit()
        big = services.save_training(None, services.TrainingData(
            kind="collective", title_fr="Grande promotion", country_code="SN", capacity=40,
            applications_open_at=now - timedelta(days=1),
            applications_close_at=now + timedelta(days=30), published=True), None)
        password_hash = accounts.hash_password(PASSWORD)
        people = [User(email=f"a{n}@bench.crpm", display_name=f"Personne {n}", status="active",
                       password_hash=password_hash, country_code=COUNTRIES[n % 8],
                       gender="woman" if n % 2 else "man") for n in range(applicants)]
        db.session.add_all(people)
        db.session.commit()
        for person in people:
            applications.apply(big, person, {})
        if accounts.find_by_email("admin@bench.crpm") is None:
            accounts.create_user("admin@bench.crpm", "Admin", PASSWORD, roles=("admin",))
        return big.id


def admin_client(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.post("/login", data={"email": "admin@bench.crpm", "password": PASSWORD})
    return client


def measure(app, folder: Path, url: str, trainings: int, applicants: int) -> list[tuple]:  # type: ignore[type-arg, no-untyped-def]
    big = fill(app, trainings, applicants)
    client = app.test_client()
    environment = {"CRPM_INSTANCE_PATH": str(folder), "CRPM_SECRET_KEY": "bench",
                   "CRPM_DATABASE_URL": url}
    size = f"{trainings:,} / {applicants:,}"
    rows = []
    with gunicorn("crpm_cms:create_app()", environment, folder / "crpm.log") as port:
        for path in ("/trainings/", f"/trainings/{big}", "/api/v1/trainings", "/"):
            queries = count_queries(app, lambda path=path: client.get(path))
            measured = load(port, path)
            rows.append((f"GET {path}", size, str(queries), f"{measured.per_second:.0f}",
                         f"{measured.median_ms:.1f}", f"{measured.p95_ms:.1f}",
                         str(measured.errors)))
    admin = admin_client(app)
    for path in (f"/trainings/{big}/review", f"/trainings/{big}/participants.csv"):
        queries = count_queries(app, lambda path=path: admin.get(path))
        alone = median_ms(lambda path=path: admin.get(path))
        rows.append((f"GET {path} (admin, in-process)", size, str(queries), "-", f"{alone:.1f}",
                     "-", "0"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    sizes = QUICK if parser.parse_args().quick else SIZES
    lines: list[tuple] = [("measure", "trainings / applicants", "SQL", "req/s", "median ms",  # type: ignore[type-arg]
                           "p95 ms", "errors")]
    url = ""
    for trainings, applicants in sizes:
        folder = Path(tempfile.mkdtemp(prefix="crpm-bench-training-"))
        url = os.environ.get("CRPM_BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
        app = create_app({"INSTANCE_PATH": folder, "SECRET_KEY": "bench", "DATABASE_URL": url,
                          "SITE_URL": "http://localhost",  # the links of its mails
                          "WTF_CSRF_ENABLED": False})  # the in-process admin signs in directly
        with app.app_context():
            initialise("all")
        lines += measure(app, folder, url, trainings, applicants)
        with app.app_context():
            db.engine.dispose()
        if "CRPM_BENCH_DATABASE_URL" in os.environ:
            break  # an existing database is filled once
    print(f"gunicorn: {WORKERS} sync workers; client: {THREADS} threads, at most {REQUESTS} "
          f"requests or {TIME_CAP:.0f} s per row; {db_name(url)}; {os.cpu_count()} CPUs\n")
    markdown_table(lines)


if __name__ == "__main__":
    main()
