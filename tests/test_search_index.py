"""Index maintenance that loses nothing: the outbox commits with the change, a locked or lost
index delays indexing but never drops it, and ``crpm search reindex``/``check`` repair and report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text

from crpm_cms.extensions import db
from crpm_cms.search.backends.postgres_backend import WRITER_LOCK
from crpm_cms.search.models import SearchChange
from tests.test_search_support import (
    backend_of,
    isolated_app,
    organisation,
    publish,
    search_app_fixture,
    titles,
)

search_app = search_app_fixture()

ROOT = Path(__file__).resolve().parent.parent


def cli(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


def outbox(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [(row.kind, row.key) for row in db.session.scalars(select(SearchChange))]


@contextmanager
def index_locked(app: Flask, backend: str) -> Iterator[None]:
    """Another writer holds the index lock (another worker, a long reindex)."""
    if backend == "whoosh":
        from whoosh import index

        writer = index.open_dir(str(Path(app.instance_path) / "search-index")).writer()
        try:
            yield
        finally:
            writer.cancel()
        return
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": WRITER_LOCK})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": WRITER_LOCK})
    engine.dispose()


def test_the_outbox_row_commits_or_rolls_back_with_the_change(search_app: Flask) -> None:
    from crpm_cms.organisations.models import Organisation

    organisation(search_app, "Association éphémère")
    with search_app.app_context():
        found = db.session.scalar(select(Organisation))
        found.name = "Nom jamais enregistré"
        db.session.flush()  # in the transaction: the change and its outbox row, together
        pending = db.session.execute(select(SearchChange.kind, SearchChange.key)).all()
        assert [tuple(row) for row in pending] == [("organisation", str(found.id))]
        db.session.rollback()
    assert outbox(search_app) == []
    assert titles(search_app.test_client(), q="jamais enregistre") == []
    assert titles(search_app.test_client(), q="ephemere") == ["Association éphémère"]


def test_a_locked_index_delays_but_loses_nothing(search_app: Flask) -> None:
    backend = backend_of(search_app)
    client = search_app.test_client()
    with index_locked(search_app, backend):
        publish(search_app, "Publié pendant le verrou", "Texte.")
        assert outbox(search_app) != []  # recorded with the change, waiting for the lock
        response = client.get("/search?q=verrou")
        assert response.status_code == 200  # a normal page meanwhile
        report = cli(search_app, "search", "check")
        assert report.exit_code == 1 and "news:" in report.output
    assert titles(client, q="verrou") == ["Publié pendant le verrou"]
    assert outbox(search_app) == []
    assert cli(search_app, "search", "check").exit_code == 0


def test_a_crash_between_commit_and_indexing_is_repaired(search_app: Flask,
                                                        database_url: str) -> None:
    """A real process commits a publication and dies before it could index it."""
    backend = backend_of(search_app)
    script = textwrap.dedent(f"""
        import os
        from crpm_cms import create_app
        from tests.test_search_support import publish
        app = create_app({{"INSTANCE_PATH": {search_app.instance_path!r}, "SECRET_KEY": "t",
                          "TESTING": True, "DATABASE_URL": {database_url!r},
                          "SEARCH_BACKEND": {backend!r}}})
        with app.app_context():
            from crpm_cms.content import services as content
            from tests.test_search_support import author
            item = content.create_item("news", content.ContentData(title="Rescapé du crash"),
                                       author(app))
            content.apply_action(item, "publish", author(app))
            os._exit(0)  # killed after the commit, before the end of the context indexes it
    """)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert len(outbox(search_app)) >= 1
    report = cli(search_app, "search", "check")
    assert report.exit_code == 1 and "news:1" in report.output
    assert titles(search_app.test_client(), q="rescape") == ["Rescapé du crash"]
    assert cli(search_app, "search", "check").exit_code == 0


def test_a_deleted_index_folder_keeps_the_site_up_until_reindex(make_app) -> None:  # noqa: ANN001
    app = isolated_app(make_app, "whoosh")
    publish(app, "Avant la perte de l'index", "Texte.")
    folder = Path(app.instance_path) / "search-index"
    client = app.test_client()
    assert titles(client, q="perte") == ["Avant la perte de l'index"]
    shutil.rmtree(folder)
    page = client.get("/search?q=perte")
    assert page.status_code == 200
    assert "La recherche est en cours de reconstruction" in page.get_data(as_text=True)
    assert client.get("/api/v1/search?q=perte").status_code == 503
    assert client.get("/").status_code == 200
    publish(app, "Pendant la perte de l'index", "Texte.")  # kept in the outbox meanwhile
    result = cli(app, "search", "reindex")
    assert result.exit_code == 0, result.output
    assert "fiche(s) indexée(s)." in result.output
    assert sorted(titles(client, q="perte")) == ["Avant la perte de l'index",
                                                 "Pendant la perte de l'index"]
    assert cli(app, "search", "check").exit_code == 0


def test_a_corrupt_index_says_it_is_rebuilt_then_the_job_rebuilds_it(make_app) -> None:  # noqa: ANN001
    app = isolated_app(make_app, "whoosh")
    organisation(app, "Coopérative des pêcheurs", "Pêche artisanale.")
    folder = Path(app.instance_path) / "search-index"
    for path in folder.iterdir():
        path.write_bytes(b"\x00garbage" * 10)
    client = app.test_client()
    body = client.get("/search?q=peche").get_data(as_text=True)
    assert "La recherche est en cours de reconstruction" in body
    job = cli(app, "jobs", "run", "search.apply_changes")
    assert job.exit_code == 0 and "index rebuilt" in job.output
    assert titles(client, q="pecheurs") == ["Coopérative des pêcheurs"]


def test_check_finds_lost_and_stale_records_and_reindex_repairs(search_app: Flask) -> None:
    backend = backend_of(search_app)
    publish(search_app, "Note sur la pêche", "Texte.")
    organisation(search_app, "Réseau des pêcheurs", "Pêche.")
    with search_app.app_context():  # the index loses a record behind the database's back
        from crpm_cms.search.indexing import backend as current_backend
        from crpm_cms.search.indexing import url_context

        with url_context(), current_backend().writer(5.0) as writer:
            writer.delete("news", "1")
        if backend == "postgres":
            db.session.commit()
    report = cli(search_app, "search", "check")
    assert report.exit_code == 1
    assert "Absentes de l’index (1): news:1" in report.output
    result = cli(search_app, "search", "reindex")
    assert result.exit_code == 0 and "fiche(s) indexée(s)." in result.output
    assert "L’index est complet et à jour." in cli(search_app, "search", "check").output


@pytest.mark.parametrize("setting", ["postgres"])
def test_the_postgres_backend_needs_postgresql(tmp_path: Path, setting: str) -> None:
    from crpm_cms import create_app
    from crpm_cms.config import ConfigError

    with pytest.raises(ConfigError, match="SEARCH_BACKEND"):
        create_app({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "t", "TESTING": True,
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                    "SEARCH_BACKEND": setting})
