"""The embedded backend: a Whoosh index in the instance folder (``instance/search-index``).

Whoosh allows one writer per index: every write goes through ``writer(timeout)``, which takes
the index's file lock with a timeout (``IndexLocked`` when busy) and commits on exit. A full
rebuild writes new segments and swaps them in at commit (``CLEAR``), so readers keep the old index
until the new one is complete.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, IndexWriter

from crpm_cms.search.analysis import analyzer, spelling_analyzer
from crpm_cms.search.backends import (
    IndexedRecord,
    IndexLocked,
    SearchRequest,
    SearchResults,
    SearchUnavailable,
    facet_values,
)
from crpm_cms.search.backends.whoosh_query import (
    Segments,
    allowed,
    facet_counts,
    matches,
    suggest,
)
from crpm_cms.search.backends.whoosh_ranking import hits, ranked

SPELLING_CHARS = 500  # the title and the start of the text are enough to suggest words from
EPOCH = datetime(1970, 1, 1)


def schema() -> Schema:
    """Text fields per language (each with its own analysis), facet terms, stored display data."""
    french, english = analyzer("fr"), analyzer("en")
    return Schema(
        uid=ID(unique=True, stored=True), owner=ID, access=ID, windowed=ID,
        kind=ID, type=ID, country=KEYWORD, theme=KEYWORD, year=ID, language=ID,
        title_fr=TEXT(analyzer=french, field_boost=3.0), text_fr=TEXT(analyzer=french),
        title_en=TEXT(analyzer=english, field_boost=3.0), text_en=TEXT(analyzer=english),
        spell=TEXT(analyzer=spelling_analyzer(), phrase=False),
        published=NUMERIC(bits=64, sortable=True, signed=True),
        hit=STORED, body=STORED,
    )


def _seconds(moment: datetime | date | None, default: int, scale: int = 1) -> int:
    if moment is None:
        return default
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    return int((moment.replace(tzinfo=None) - EPOCH).total_seconds() * scale)


def index_fields(record: IndexedRecord) -> dict[str, Any]:
    """What Whoosh stores for one record: the analysed text goes to its language's fields."""
    document = record.document
    language = "en" if document.language == "en" else "fr"
    facets = facet_values(document)
    window = (_seconds(document.visible_from, 0), _seconds(document.visible_until, 2**62))
    hit = {"kind": document.kind, "key": document.key, "title": document.title,
           "url": document.url, "type": document.type, "countries": list(document.countries),
           "year": document.year, "language": document.language,
           "published_on": document.published_on, "fingerprint": record.fingerprint(),
           "window": window}
    return {
        "uid": record.uid, "owner": record.owner, "access": document.access,
        "windowed": "1" if document.visible_from or document.visible_until else "0",
        "kind": document.kind, "type": document.type or None,
        "country": " ".join(facets["country"]) or None,
        "theme": " ".join(facets["theme"]) or None,
        "year": facets["year"][0] if facets["year"] else None,
        "language": document.language,
        f"title_{language}": document.title, f"text_{language}": document.text,
        "spell": f"{document.title} {document.text[:SPELLING_CHARS]}",
        # "sort by date": when it went public, to the microsecond
        "published": _seconds(document.visible_from or document.published_on, 0, 1_000_000),
        "hit": hit, "body": document.text,
    }


def run_query(searcher: Searcher, request: SearchRequest) -> SearchResults:
    """Match, filter and count with bit sets; rank and highlight only the page shown."""
    segments = Segments(searcher)
    found = matches(segments, request.query, segments.live()) & allowed(segments, request)
    total = found.bit_count()
    start = (request.page - 1) * request.per_page
    page = []
    if start < total:
        numbers = ranked(segments, request, found, start + request.per_page)[start:]
        page = hits(segments, request.query, numbers)
    suggestion = None
    if not total and not request.query.empty:
        suggestion = suggest(searcher, request.query)
    return SearchResults(total, page, facet_counts(segments, found), suggestion)


class WhooshWriter:
    """Upserts and deletes inside one Whoosh writer (one commit)."""

    def __init__(self, writer: IndexWriter, fresh: bool) -> None:
        self._writer = writer
        self._fresh = fresh  # a full rebuild: no old copy to replace, adding is enough
        self.changed = fresh

    def upsert(self, record: IndexedRecord) -> None:
        fields = {name: value for name, value in index_fields(record).items()
                  if value is not None}
        if self._fresh:
            self._writer.add_document(**fields)
        else:
            self._writer.update_document(**fields)
        self.changed = True

    def delete(self, kind: str, key: str) -> None:
        self._writer.delete_by_term("uid", f"{kind}:{key}")
        self.changed = True


class WhooshBackend:
    """One per app; readers are cached per thread and refreshed when the index changed."""

    name = "whoosh"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    # -- reading ------------------------------------------------------------------------------

    def _open(self) -> whoosh_index.Index:
        try:
            return whoosh_index.open_dir(str(self.path))
        except Exception as error:  # missing, empty or unreadable: all mean "rebuild it"
            raise SearchUnavailable(str(error)) from error

    def _searcher(self) -> Searcher:
        searcher: Searcher | None = getattr(self._local, "searcher", None)
        try:
            if searcher is not None and not searcher.up_to_date():
                # Not ``refresh()``: it reuses segment readers with their old deletions.
                searcher.close()
                searcher = None
            if searcher is None:
                searcher = self._open().searcher()
        except SearchUnavailable:
            self._local.searcher = None
            raise
        except Exception as error:  # the folder vanished or a segment is corrupt
            self._local.searcher = None
            raise SearchUnavailable(str(error)) from error
        self._local.searcher = searcher
        return searcher

    def is_ready(self) -> bool:
        try:
            self._searcher()
        except SearchUnavailable:
            return False
        return True

    def search(self, request: SearchRequest) -> SearchResults:
        searcher = self._searcher()
        try:
            return run_query(searcher, request)
        except (OSError, EOFError, ValueError, KeyError) as error:  # a corrupt segment
            self._local.searcher = None
            raise SearchUnavailable(str(error)) from error

    def fingerprints(self) -> Iterator[tuple[str, str]]:
        for fields in self._searcher().all_stored_fields():
            yield fields["uid"], fields["hit"]["fingerprint"]

    # -- writing ------------------------------------------------------------------------------

    def _fresh_index(self) -> whoosh_index.Index:
        """A new empty index, replacing a missing or unreadable one."""
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)
        return whoosh_index.create_in(str(self.path), schema())

    @contextmanager
    def writer(self, timeout: float, replace_all: bool = False) -> Iterator[WhooshWriter]:
        """The index lock for ``timeout`` seconds at most; a full rebuild may create the index."""
        try:
            ix = whoosh_index.open_dir(str(self.path))
        except Exception:
            if not replace_all:
                raise SearchUnavailable("no index") from None
            ix = self._fresh_index()
        try:
            writer = ix.writer(timeout=timeout, delay=0.05, limitmb=256 if replace_all else 32)
        except whoosh_index.LockError as error:
            raise IndexLocked(str(self.path)) from error
        wrapped = WhooshWriter(writer, fresh=replace_all)
        try:
            yield wrapped
        except BaseException:
            writer.cancel()
            raise
        if not wrapped.changed:
            writer.cancel()
        elif replace_all:
            writer.commit(mergetype=CLEAR)
        else:
            writer.commit()
