"""PostgreSQL full-text search: the ``search_entries`` table, a GIN index, and the text search
configurations ``crpm_fr`` (unaccent, then french_stem) and ``crpm_en`` made by migration 0004.

The index lives in the database, so every application server sees the same one and a write is
part of the transaction that empties the outbox. Writers take one advisory lock, with a timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from markupsafe import Markup
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from crpm_cms.extensions import db
from crpm_cms.search.backends import (
    FACETS,
    IndexedRecord,
    IndexLocked,
    SearchHit,
    SearchRequest,
    SearchResults,
    SearchUnavailable,
    facet_values,
    plain_snippet,
)
from crpm_cms.search.backends.postgres_query import (
    FACETS_SQL,
    IN_SAMPLE,
    LANGUAGE_MARKS,
    SAMPLE_SHARE,
    compile_query,
    conditions,
    facet_key,
    page_sql,
)

WRITER_LOCK = 734_251_004  # pg_advisory_xact_lock key of the search index writer
TSVECTOR_CHARS = 1_000_000  # a tsvector is at most 1 MB: index the first million characters
MARK_START, MARK_END = "\ue000", "\ue001"  # private-use markers, escaped text around them
HEADLINE_OPTIONS = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, "
                    "MaxFragments=2, FragmentDelimiter=\" … \"")

UPSERT = text(f"""
INSERT INTO search_entries (uid, kind, key, owner, access, title, url, body, type, countries,
    year, language, published_on, visible_from, visible_until, fingerprint, facet_keys, sample,
    title_document, document)
VALUES (:uid, :kind, :key, :owner, :access, :title, :url, :body, :type, :countries, :year,
    :language, :published_on, :visible_from, :visible_until, :fingerprint, :facet_keys,
    hashtext(CAST(:uid AS varchar)) & 15,
    to_tsvector(CAST(:config AS regconfig), :title),
    setweight(to_tsvector(CAST(:config AS regconfig), :title), 'A')
    || to_tsvector(CAST(:config AS regconfig), left(:body, {TSVECTOR_CHARS}))
    || CAST(:mark AS tsvector) || array_to_tsvector(CAST(:facet_keys AS text[])))
ON CONFLICT (uid) DO UPDATE SET kind = excluded.kind, key = excluded.key,
    owner = excluded.owner, access = excluded.access, title = excluded.title,
    url = excluded.url, body = excluded.body, type = excluded.type,
    countries = excluded.countries, year = excluded.year, language = excluded.language,
    published_on = excluded.published_on, visible_from = excluded.visible_from,
    visible_until = excluded.visible_until, fingerprint = excluded.fingerprint,
    facet_keys = excluded.facet_keys, title_document = excluded.title_document,
    document = excluded.document
""")


class PostgresWriter:
    def upsert(self, record: IndexedRecord) -> None:
        document = record.document
        language = "en" if document.language == "en" else "fr"
        db.session.execute(UPSERT, {
            "uid": record.uid, "kind": document.kind, "key": document.key, "owner": record.owner,
            "access": document.access, "title": document.title, "url": document.url,
            "body": document.text, "type": document.type, "countries": list(document.countries),
            "year": document.year,
            "facet_keys": [facet_key(facet, value) for facet, values
                           in facet_values(document).items() for value in values],
            "language": document.language, "published_on": document.published_on,
            "visible_from": document.visible_from, "visible_until": document.visible_until,
            "fingerprint": record.fingerprint(), "config": f"crpm_{language}",
            "mark": LANGUAGE_MARKS[language]})

    def delete(self, kind: str, key: str) -> None:
        db.session.execute(text("DELETE FROM search_entries WHERE uid = :uid"),
                           {"uid": f"{kind}:{key}"})


class PostgresBackend:
    """Reads and writes through ``db.session``: the outbox and the index share one transaction.

    ``exact_counts_up_to``: a query expected to match more records than this gets its total and
    facet counts from the 1-in-16 sample, scaled and rounded (``SearchResults.estimated``).
    """

    name = "postgres"

    def __init__(self, exact_counts_up_to: int) -> None:
        self.exact_counts_up_to = exact_counts_up_to

    @contextmanager
    def writer(self, timeout: float, replace_all: bool = False) -> Iterator[PostgresWriter]:
        milliseconds = max(int(timeout * 1000), 1)
        try:
            db.session.execute(text(f"SET LOCAL lock_timeout = {milliseconds}"))
            db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
            db.session.execute(text("SET LOCAL lock_timeout = 0"))
        except OperationalError as error:
            db.session.rollback()
            raise IndexLocked("search index writer lock") from error
        except ProgrammingError as error:
            db.session.rollback()
            raise SearchUnavailable(str(error)) from error
        if replace_all:
            db.session.execute(text("DELETE FROM search_entries"))
        yield PostgresWriter()

    def is_ready(self) -> bool:
        try:
            db.session.execute(text("SELECT 1 FROM search_entries LIMIT 1"))
        except DBAPIError:
            db.session.rollback()
            return False
        return True

    def fingerprints(self) -> Iterator[tuple[str, str]]:
        rows = db.session.execute(text("SELECT uid, fingerprint FROM search_entries"))
        yield from ((row.uid, row.fingerprint) for row in rows)

    def search(self, request: SearchRequest) -> SearchResults:
        try:
            return self._search(request)
        except DBAPIError as error:  # the table or a configuration is missing
            db.session.rollback()
            raise SearchUnavailable(str(error)) from error

    def _search(self, request: SearchRequest) -> SearchResults:
        tsquery, highlight = compile_query(request.query)
        rights, where, params = conditions(request, tsquery)
        params.update(highlight=highlight, options=HEADLINE_OPTIONS)
        if tsquery:  # the GIN index, whose bitmap needs no recheck: documents stay unread
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
        try:
            facets, total, estimated = self._facets(where, params)
            start = (request.page - 1) * request.per_page
            hits = []
            if start < total or estimated:
                sql = page_sql(request, rights, where, total, start)
                rows = db.session.execute(text(sql), {**params, "limit": request.per_page,
                                                      "offset": start})
                hits = [_hit(row) for row in rows]
            if estimated and start and not hits:  # past the real end: the pager needs it
                facets = _facet_counts(where, params)
                total, estimated = sum(facets["kind"].values()), False
        finally:
            if tsquery:
                db.session.execute(text("SET LOCAL enable_seqscan = on"))
        return SearchResults(total, hits, facets, estimated=estimated)

    def _facets(self, where: str, params: dict[str, Any]
                ) -> tuple[dict[str, dict[str, int]], int, bool]:
        """Facet counts and the total, exact; or, when the sample says the query matches more
        than ``exact_counts_up_to`` records, the sample's counts scaled up and rounded: counting
        every one of tens of thousands of matches is what made a common word slow."""
        sampled = _facet_counts(f"{where} AND {IN_SAMPLE}", params)
        sampled_total = sum(sampled["kind"].values())
        if sampled_total * SAMPLE_SHARE > self.exact_counts_up_to:
            return ({facet: {value: estimate(count * SAMPLE_SHARE)
                             for value, count in counts.items()}
                     for facet, counts in sampled.items()},
                    estimate(sampled_total * SAMPLE_SHARE), True)
        facets = _facet_counts(where, params)
        return facets, sum(facets["kind"].values()), False


def _facet_counts(where: str, params: dict[str, Any]) -> dict[str, dict[str, int]]:
    facets: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    for key, count in db.session.execute(text(FACETS_SQL.format(where=where)), params):
        facet, value = key.split(":", 1)
        facets[facet][value] = count
    return facets


def estimate(count: int) -> int:
    """A scaled count rounded to two significant digits: 48,672 reads 49,000."""
    return int(round(count, 2 - len(str(count))))


def _hit(row: Any) -> SearchHit:
    snippet = row.snippet or ""
    if MARK_START in snippet:
        html = Markup.escape(snippet).replace(MARK_START, Markup("<mark>")) \
            .replace(MARK_END, Markup("</mark>"))
        snippet_html = Markup(html)
    else:
        snippet_html = plain_snippet(row.opening)
    return SearchHit(kind=row.kind, key=row.key, title=row.title, url=row.url, type=row.type,
                     countries=tuple(row.countries), year=row.year, language=row.language,
                     snippet=snippet_html, published_on=row.published_on)
