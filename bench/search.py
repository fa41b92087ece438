"""Search benchmark: ``python bench/search.py [--quick] [--sizes 10000,50000]`` prints one table.

A synthetic French corpus (about 300 words per document, with countries, themes, types, years,
a tenth in English and a fifth members-only) is indexed by each backend side by side — Whoosh in
a temporary folder, PostgreSQL full-text search in a throwaway database (``CRPM_BENCH_DATABASE_URL``
names the server; default ``postgresql://postgres@127.0.0.1:5432/postgres``; skipped if it cannot
be reached) — at each size. For each: build throughput, then the latency of a fixed set of 1-3
word queries through the backend's ``search`` (the call ``/search`` makes: access rules, the
clock, every facet count, one page of 10 hits with snippets), without and with a facet filter.
"cold" is each query's first run on a fresh process cache; median and p95 are over five more runs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from itertools import accumulate
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crpm_cms import create_app  # noqa: E402
from crpm_cms.cli import initialise  # noqa: E402
from crpm_cms.extensions import db  # noqa: E402
from crpm_cms.hookspecs import SearchDocument  # noqa: E402
from crpm_cms.search.analysis import parse  # noqa: E402
from crpm_cms.search.backends import IndexedRecord, SearchRequest  # noqa: E402
from crpm_cms.search.backends.whoosh_backend import WhooshBackend  # noqa: E402


def _words(text: str) -> list[str]:
    return text.split()


SIZES, QUICK_SIZES = (10_000, 50_000), (1_000, 5_000)
WORDS_PER_DOCUMENT = 300
RUNS = 5
COUNTRIES = ("SN", "CI", "CM", "KM", "GN", "MG", "MA", "TN", "FR")
THEMES = ("governance", "development", "human_rights", "gender", "diaspora", "return",
          "regional_mobility", "policy_monitoring", "dialogue")
TYPES = ("position_note", "capitalisation", "diagnostic", "study", "analysis", "tool", "report",
         "minutes")
KINDS = ("document",) * 10 + ("news",) * 6 + ("publication",) * 3 + ("organisation",)
TOPIC = _words("""migration migrations migrant migrants migrante migrantes diaspora diasporas
politique politiques migratoire migratoires frontière frontières mobilité mobilités régionale
régionales retour réintégration travail travailleurs travailleuses emploi jeunesse jeunes femmes
femme
enfants éducation santé sécurité sociale protection droits humains asile réfugiés déplacés
climat sécheresse agriculture pêche commerce transferts fonds épargne investissement
développement durable gouvernance dialogue coopération accord accords bilatéral bilatéraux
cadre national nationale stratégie plan action suivi évaluation indicateurs données statistiques
recensement enquête étude diagnostic capitalisation expérience plaidoyer société civile
associations réseau réseaux organisations institutions ministère collectivités territoriales
traite trafic passeurs visas documents état civil identité intégration inclusion cohésion
communautés villages villes ouest afrique maghreb europe méditerranée sahel atlantique""")
COMMON = _words("""le la les de des du un une et en à au aux pour par sur dans avec sans entre vers
est sont été être avoir fait faire peut doit plus moins très aussi ainsi donc mais ou où que qui
quoi dont ce cette ces son sa ses leur leurs notre nos nous ils elles on il elle tout tous toute
toutes chaque autre autres même comme selon depuis pendant après avant lors alors encore déjà
année années mois jour jours pays région régions partie parties cas temps point niveau nombre
part place question questions besoin besoins accès mise œuvre suite lieu moyen moyens rôle
""")
ENGLISH = _words("""migration migrants policy policies women workers labour rights border management
return reintegration remittances diaspora development governance regional cooperation data
the of and to in for on with by from is are was were this that these those""")
QUERIES = ("migration", "femmes", "diaspora", "sécurité sociale", "transferts de fonds",
           "politique migratoire", "retour réintégration", "travailleuses", "éducation enfants",
           "gouvernance des migrations", "société civile", "accords bilatéraux", "sécheresse",
           "jeunes emploi", "traite passeurs", "état civil", "plan national action",
           "mobilité régionale sahel", "developpement durable", "frontieres")


SYLLABLES = _words("ba be bi bo ca ce ci co da de di do fa fe fi ga gé la le li lo ma me mi mo "
                   "na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo "
                   "cha che chi "
                   "pré tra tri pro con dis ex in ré")
ENDINGS = _words("ment tion eur euse ité age ance ence ique iste oir ure ier ière able el elle "
                 "on ois oise ant ent")
VOCABULARY_SIZE = 6_000


def vocabulary(rng: random.Random) -> list[str]:
    """French-looking words ranked by frequency: function words first, the topic's words spread
    from rank 15 to about 1,100, invented words for the long tail (a real corpus has thousands
    of words, so a topic word is in a few to most documents, not in all of them)."""
    invented: set[str] = set()
    while len(invented) < VOCABULARY_SIZE:
        word = "".join(rng.choices(SYLLABLES, k=rng.randint(1, 3))) + rng.choice(ENDINGS)
        if word not in TOPIC and word not in COMMON:
            invented.add(word)
    words = [*COMMON, *sorted(invented)]
    for rank, word in enumerate(TOPIC):
        words.insert(15 + rank * 6, word)
    return words[:VOCABULARY_SIZE]


def corpus(size: int, seed: int = 7) -> Iterator[IndexedRecord]:
    """``size`` records, the same for a given seed; words drawn with Zipf's law (s = 1)."""
    rng = random.Random(seed)
    french = vocabulary(rng)
    weights = list(accumulate(1 / rank for rank in range(1, len(french) + 1)))
    for number in range(size):
        english = rng.random() < 0.1
        words = (rng.choices(ENGLISH, k=WORDS_PER_DOCUMENT) if english
                 else rng.choices(french, cum_weights=weights, k=WORDS_PER_DOCUMENT))
        kind = rng.choice(KINDS)
        year = rng.randint(2010, 2025)
        yield IndexedRecord(SearchDocument(
            kind=kind, key=str(number), title=" ".join(rng.sample(words, 6)).capitalize(),
            url=f"/{kind}/{number}", text=" ".join(words), language="en" if english else "fr",
            countries=tuple(rng.sample(COUNTRIES, rng.randint(1, 2))),
            themes=tuple(rng.sample(THEMES, rng.randint(1, 2))), year=year,
            access="members" if rng.random() < 0.2 else "public",
            published_on=date(year, rng.randint(1, 12), rng.randint(1, 28)),
            type=rng.choice(TYPES) if kind in ("document", "publication") else "",
        ), "core")


def build(backend, size: int, commit: Callable[[], None]) -> float:  # noqa: ANN001
    """Index the corpus from scratch; documents per second."""
    started = time.perf_counter()
    with backend.writer(600.0, replace_all=True) as writer:
        for record in corpus(size):
            writer.upsert(record)
    commit()
    return size / (time.perf_counter() - started)


def latencies(backend, filters: dict[str, str]) -> tuple[list[float], list[float]]:  # noqa: ANN001
    """Cold (first run of each query) and warm timings in milliseconds."""
    cold, warm = [], []
    for run in range(RUNS + 1):
        for words in QUERIES:
            request = SearchRequest(parse(words), ("public", "members"), ("core",),
                                    datetime.utcnow(), filters)
            started = time.perf_counter()
            backend.search(request)
            (warm if run else cold).append((time.perf_counter() - started) * 1000)
    return cold, warm


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def measure(name: str, backend, size: int, commit: Callable[[], None]) -> list[str]:  # noqa: ANN001
    rate = build(backend, size, commit)
    cells = [name, f"{size:,}", f"{rate:,.0f}"]
    for filters in ({}, {"country": "SN"}):
        cold, warm = latencies(backend, filters)
        cells += [f"{statistics.median(warm):.1f}", f"{p95(warm):.1f}", f"{p95(cold):.1f}"]
    return cells


def postgres_server() -> str | None:
    url = os.environ.get("CRPM_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # noqa: BLE001  (no server: the column is skipped, not an error)
        print(f"PostgreSQL skipped: {error.__class__.__name__}", file=sys.stderr)
        return None
    return url


def with_postgres(server: str, work: Callable[[str], list[list[str]]]) -> list[list[str]]:
    """Run ``work`` on a throwaway database created on ``server`` and dropped afterwards."""
    url = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"crpm_bench_search_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        return work(url.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_rows(database_url: str, sizes: tuple[int, ...], folder: Path) -> list[list[str]]:
    app = create_app({"INSTANCE_PATH": folder / "pg", "SECRET_KEY": "bench", "TESTING": True,
                      "DATABASE_URL": database_url, "SEARCH_BACKEND": "postgres"})
    rows = []
    with app.app_context():
        initialise("none")
        def commit() -> None:  # and refresh the planner's statistics, as autovacuum would
            db.session.commit()
            db.session.execute(text("ANALYZE search_entries"))
            db.session.commit()

        for size in sizes:
            rows.append(measure("PostgreSQL", app.extensions["crpm_search"], size, commit))
        db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 5,000 documents")
    parser.add_argument("--sizes", help="comma-separated corpus sizes, e.g. 10000,50000")
    args = parser.parse_args()
    sizes = tuple(int(n) for n in args.sizes.split(",")) if args.sizes else (
        QUICK_SIZES if args.quick else SIZES)
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for size in sizes:
            rows.append(measure("Whoosh", WhooshBackend(folder / f"whoosh-{size}"), size,
                                lambda: None))
        server = postgres_server()
        if server:
            rows += with_postgres(server, lambda url: postgres_rows(url, sizes, folder))
    header = ["backend", "documents", "build docs/s", "median ms", "p95 ms", "cold p95 ms",
              "filtered median ms", "filtered p95 ms", "filtered cold p95 ms"]
    print(f"{len(QUERIES)} queries of 1-3 words, {RUNS} warm runs each; filter: country=SN")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" if i > 0 else "---" for i in range(len(header))) + "|")
    for row in sorted(rows, key=lambda row: (int(row[1].replace(",", "")), row[0])):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
