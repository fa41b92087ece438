"""Benchmark of the CSO map, `python plugins/cso_map/bench.py [--organisations N]`: one table.

- The cold visit of ``/map/`` with 5,000 organisations on the map: Debian's Chromium (through
  Playwright) opens the page in a fresh context and every response it loads is counted, as
  sent and compressed with gzip (what the reverse proxy in front of gunicorn sends; the budget
  is 150 KB compressed), resource by resource.
- The speed of the map's data: the GeoJSON export, the points the page draws, the page itself,
  the CSV export and the API with the map's filter, served by gunicorn on 127.0.0.1: first
  alone (the median of 15 requests one after the other), then loaded by the bounded client of
  ``bench/run.py``; with the SQL queries each one runs.

Runs on a throwaway SQLite database, or on ``CRPM_BENCH_DATABASE_URL`` (an empty PostgreSQL
database that the benchmark fills).
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))  # the harness, bench/run.py

from crpm_plugins.cso_map.models import Place, Profile, ProfileTargetGroup  # noqa: E402
from crpm_plugins.cso_map.places import PlaceData, public_point  # noqa: E402
from run import (  # noqa: E402  # noqa: E402
    REQUESTS,
    THREADS,
    TIME_CAP,
    WORKERS,
    count_queries,
    create_app,
    db_name,
    get,
    gunicorn,
    initialise,
    load,
    markdown_table,
    median_ms,
)

from crpm_cms.plugin_api import Organisation, Term, db, utcnow  # noqa: E402

ORGANISATIONS = 5_000
ALONE = 15  # requests one after the other: the time a visitor waits on an idle server
BUDGET_KB = 150
CHROMIUM = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PATHS = ("/map/organisations.geojson", "/map/points.json", "/map/",
         "/map/organisations.csv", "/api/v1/organisations?target_group=youth")
# Where the fake organisations are: (country, centre latitude, centre longitude, spread °)
COUNTRIES = (("SN", 14.5, -15.5, 2.0), ("CI", 7.5, -5.5, 2.5), ("GN", 10.5, -11.0, 2.0),
             ("CM", 5.5, 12.0, 3.0), ("KM", -11.8, 43.6, 0.4), ("MG", -19.0, 46.8, 3.0),
             ("MA", 32.0, -6.5, 2.5), ("TN", 35.0, 9.8, 1.5), ("FR", 46.5, 2.5, 3.0))
PRECISIONS = ("exact", "exact", "city", "region", "country")
WORDS = ("Association", "Réseau", "Collectif", "Plateforme", "Union", "Fédération", "Groupement")
SUBJECTS = ("des femmes migrantes", "des jeunes", "pour le retour", "de la diaspora",
            "des travailleurs migrants", "pour les droits des migrants", "de solidarité")


# -- data -----------------------------------------------------------------------------------------


def organisation_rows(count: int, chance: random.Random) -> list[dict[str, object]]:
    now = utcnow()
    rows = []
    for number in range(count):
        country = COUNTRIES[number % len(COUNTRIES)][0]
        name = (f"{chance.choice(WORDS)} {chance.choice(SUBJECTS)} de la localité "
                f"n° {number} ({country})")
        rows.append({"slug": f"organisation-{number}", "name": name, "acronym": f"ORG{number}",
                     "kind": chance.choice(("cso", "diaspora", "network", "research")),
                     "country_code": country, "description_fr": "", "description_en": "",
                     "visibility": "public", "created_at": now, "updated_at": now})
    return rows


def place_rows(ids: list[int], chance: random.Random) -> list[dict[str, object]]:
    rows = []
    for position, organisation_id in enumerate(ids):
        country, latitude, longitude, spread = COUNTRIES[position % len(COUNTRIES)]
        data = PlaceData(country, "", "", round(latitude + chance.uniform(-spread, spread), 6),
                         round(longitude + chance.uniform(-spread, spread), 6),
                         chance.choice(PRECISIONS))
        public = public_point(data)
        assert public is not None
        rows.append({"organisation_id": organisation_id, "position": 0, "city": "",
                     "region": "", "country_code": country, "precision": data.precision,
                     "latitude": data.latitude, "longitude": data.longitude,
                     "public_latitude": public[0], "public_longitude": public[1]})
    return rows


def fill(app, count: int) -> None:  # type: ignore[no-untyped-def]
    """``count`` organisations, each with one place, two themes and directory fields."""
    chance = random.Random(2026)
    with app.app_context():
        db.session.execute(insert(Organisation), organisation_rows(count, chance))
        ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
        themes = list(db.session.scalars(select(Term.id).where(Term.vocabulary == "theme")))
        db.session.execute(insert(Place), place_rows(ids, chance))
        db.session.execute(insert(Organisation.themes.property.secondary), [
            {"organisation_id": i, "term_id": term} for i in ids
            for term in chance.sample(themes, 2)])
        db.session.execute(insert(Profile), [
            {"organisation_id": i, "gender_focus": chance.choice(("none", "targeted")),
             "working_languages": "fr"} for i in ids])
        db.session.execute(insert(ProfileTargetGroup), [
            {"organisation_id": i, "code": chance.choice(("youth", "returnees", "diaspora"))}
            for i in ids])
        db.session.commit()


# -- the cold visit -------------------------------------------------------------------------------


@dataclass
class Resource:
    url: str
    sent: int
    compressed: int


def cold_visit(base_url: str) -> list[Resource]:
    """Every response Chromium loads for ``/map/`` in a fresh context, until the map is drawn."""
    from playwright.sync_api import sync_playwright

    executable = next((path for path in CHROMIUM if Path(path).exists()), None)
    if executable is None:
        raise SystemExit("Chromium is needed for the cold visit: apt-get install -y chromium")
    found: list[Resource] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="fr-FR").new_page()

        def record(response) -> None:  # type: ignore[no-untyped-def]
            body = response.body()
            found.append(Resource(response.url.removeprefix(base_url), len(body),
                                  len(gzip.compress(body, compresslevel=6))))

        page.on("response", record)
        page.goto(f"{base_url}/map/")
        page.wait_for_selector("#cso-map[data-ready]", timeout=60_000)
        page.wait_for_load_state("networkidle")
        browser.close()
    return found


# -- the table ------------------------------------------------------------------------------------


def kb(size: int) -> str:
    return f"{size / 1024:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=ORGANISATIONS)
    count = parser.parse_args().organisations
    folder = Path(tempfile.mkdtemp(prefix="crpm-bench-map-"))
    url = os.environ.get("CRPM_BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    app = create_app({"INSTANCE_PATH": folder, "SECRET_KEY": "bench", "DATABASE_URL": url})
    with app.app_context():
        initialise("all")
    fill(app, count)
    client = app.test_client()
    environment = {"CRPM_INSTANCE_PATH": str(folder), "CRPM_SECRET_KEY": "bench",
                   "CRPM_DATABASE_URL": url}
    header = ("measure", "organisations", "SQL", "KB sent", "KB gzip", "alone ms", "req/s",
              "median ms", "p95 ms")
    lines = [header]
    with gunicorn("crpm_cms:create_app()", environment, folder / "crpm.log") as port:
        resources = cold_visit(f"http://127.0.0.1:{port}")
        sent, compressed = (sum(r.sent for r in resources), sum(r.compressed for r in resources))
        lines.append((f"cold visit of /map/ ({len(resources)} responses)", f"{count:,}", "-",
                      kb(sent), kb(compressed), "-", "-", "-", "-"))
        lines += [(f"  {r.url}", "", "", kb(r.sent), kb(r.compressed), "", "", "", "")
                  for r in sorted(resources, key=lambda r: -r.compressed)]
        for path in PATHS:
            body = client.get(path).data
            queries = count_queries(app, lambda path=path: client.get(path))
            alone = median_ms(lambda path=path: get(port, path), ALONE)
            measured = load(port, path)
            lines.append((f"GET {path}", f"{count:,}", str(queries), kb(len(body)),
                          kb(len(gzip.compress(body, compresslevel=6))), f"{alone:.1f}",
                          f"{measured.per_second:.0f}", f"{measured.median_ms:.1f}",
                          f"{measured.p95_ms:.1f}"))
    print(f"gunicorn: {WORKERS} sync workers; client: {THREADS} threads, at most {REQUESTS} "
          f"requests or {TIME_CAP:.0f} s per row; {db_name(url)}; {os.cpu_count()} CPUs; "
          f"gzip level 6; budget of the cold visit: {BUDGET_KB} KB compressed\n")
    markdown_table(lines)
    if compressed > BUDGET_KB * 1024:
        print(f"\nOver budget: {kb(compressed)} KB > {BUDGET_KB} KB", file=sys.stderr)


if __name__ == "__main__":
    main()
