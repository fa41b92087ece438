"""PostgreSQL search: a query matching very many records gets its total and facet counts from a
fixed sample of the index, and says so; fewer matches are counted exactly; rights hold in both."""

from __future__ import annotations

import pytest
from flask import Flask

from crpm_cms.extensions import db
from crpm_cms.hookspecs import SearchDocument
from crpm_cms.search.backends import IndexedRecord
from tests.test_search_support import api, isolated_app

RECORDS = 400
RARE_EVERY = 20  # every 20th record also holds a rare word: 20 records, counted exactly


@pytest.fixture
def estimating_app(make_app, database_url: str) -> Flask:  # noqa: ANN001
    if not database_url.startswith("postgresql"):
        pytest.skip("estimated counts are the PostgreSQL backend's")
    app = isolated_app(make_app, "postgres", SEARCH_EXACT_COUNTS_UP_TO=100)
    with app.app_context():
        with app.extensions["crpm_search"].writer(5.0) as writer:
            for number in range(RECORDS):
                rare = " sécheresse" if number % RARE_EVERY == 0 else ""
                writer.upsert(IndexedRecord(SearchDocument(
                    kind="news", key=str(number), title=f"Note {number}", url=f"/n/{number}",
                    text=f"La migration régionale{rare}.",
                    countries=("SN" if number % 4 else "CI",),
                    access="members" if number >= RECORDS - 40 else "public"), "core"))
        db.session.commit()
    return app


def test_a_very_common_word_gets_estimated_counts_and_the_page_says_so(
        estimating_app: Flask) -> None:
    client = estimating_app.test_client()
    common = api(client, q="migrations")
    public = RECORDS - 40
    assert common["estimated"] is True
    assert public * 0.6 <= common["total"] <= public * 1.4
    assert len(str(common["total"]).rstrip("0")) <= 2  # rounded: no false precision
    countries = common["facets"]["country"]
    assert set(countries) == {"SN", "CI"} and countries["SN"] > countries["CI"]
    assert len(common["results"]) == 10 and common["pages"] >= 20
    page = client.get("/search?q=migrations").get_data(as_text=True)
    assert f"Environ {common['total']}" in page.replace("\u202f", "").replace("\xa0", "")
    assert "≈" in page and "estimés sur un échantillon" in page

    last = api(client, q="migrations", page=RECORDS // 10)  # past the real end, or the estimate's
    assert last["results"] and last["page"] == public // 10 and last["estimated"] is True

    rare = api(client, q="sécheresse")
    assert (rare["estimated"], rare["total"]) == (False, 18)  # 20, two of them members-only
    assert "≈" not in client.get("/search?q=secheresse").get_data(as_text=True)


def test_estimates_count_only_what_the_visitor_may_see(estimating_app: Flask) -> None:
    with estimating_app.app_context():
        with estimating_app.extensions["crpm_search"].writer(5.0) as writer:
            for number in range(RECORDS):
                writer.upsert(IndexedRecord(SearchDocument(
                    kind="news", key=f"m{number}", title=f"Réservé {number}", url=f"/m/{number}",
                    text="Transhumance transfrontalière.", access="members"), "core"))
        db.session.commit()
    anonymous = api(estimating_app.test_client(), q="transhumance")
    assert (anonymous["total"], anonymous["estimated"], anonymous["results"]) == (0, False, [])
    assert all(counts == {} for counts in anonymous["facets"].values())


def test_migration_0006_goes_down_and_up_with_the_index_in_place(estimating_app: Flask) -> None:
    """An existing index gets its sample and its filter lexemes on upgrade, loses them on
    downgrade, and answers filtered queries again once upgraded."""
    import flask_migrate
    from sqlalchemy import text

    filtered = "SELECT count(*) FROM search_entries WHERE document @@ CAST(:q AS tsquery)"
    with estimating_app.app_context():
        flask_migrate.downgrade(revision="0005_content_live_index")
        assert db.session.execute(text(filtered), {"q": "'country:CI'"}).scalar() == 0
        db.session.rollback()
        flask_migrate.upgrade(revision="core@head")
        assert db.session.execute(text(filtered), {"q": "'country:CI'"}).scalar() == RECORDS // 4
        assert db.session.execute(text(
            "SELECT count(DISTINCT sample) FROM search_entries")).scalar() == 16
        db.session.rollback()
    client = estimating_app.test_client()
    assert api(client, q="sécheresse", country="CI")["total"] == 18  # every 20th is in CI
    assert api(client, q="sécheresse", country="SN")["total"] == 0
