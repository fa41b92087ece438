"""Answering a query on a Whoosh index fast enough for tens of thousands of documents.

Whoosh is pure Python, so walking posting lists on every query is what costs. Here each term's
posting list becomes a bit set (a Python ``int``), computed once per immutable segment and kept
in a bounded cache; matching, access rules, filters and every facet count are then a few big-int
``&``/``|`` and ``bit_count()`` calls. Whoosh itself only ranks the final set for the one page
shown and highlights its snippets.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from whoosh.query import Or, Phrase, Query, Term
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from crpm_cms.search.analysis import UserQuery, terms
from crpm_cms.search.backends import (
    FACETS,
    SearchRequest,
)

TEXT_FIELDS = {"fr": ("title_fr", "text_fr"), "en": ("title_en", "text_en")}
FACET_FIELDS = {"kind": "kind", "type": "type", "country": "country", "theme": "theme",
                "year": "year", "language": "language"}
CACHE_BYTES = 96 * 1024 * 1024  # per process: bit sets (docs / 8 bytes), weights (docs * 4)
BYTE_BITS = tuple(tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256))
EPOCH = datetime(1970, 1, 1)


class SegmentCache:
    """Bit sets and weight arrays by segment: posting lists per (field, term), live documents,
    visibility windows, BM25 weights. A segment never changes once written (only its deletions
    grow, and they are part of the key), so nothing here goes stale; the least recently used
    entries leave when the cache passes its size in bytes."""

    def __init__(self, budget: int = CACHE_BYTES) -> None:
        self._items: OrderedDict[tuple[Any, ...], tuple[Any, int]] = OrderedDict()
        self._budget = budget
        self._used = 0
        self._lock = threading.Lock()

    def remember(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]
        value = compute()
        self.store(key, value)
        return value

    def store(self, key: tuple[Any, ...], value: Any) -> None:
        cost = sys.getsizeof(value)
        with self._lock:
            if key in self._items:
                self._used -= self._items.pop(key)[1]
            self._items[key] = (value, cost)
            self._used += cost
            while self._used > self._budget and len(self._items) > 1:
                self._used -= self._items.popitem(last=False)[1][1]

    def term(self, reader: IndexReader, field: str, term: str) -> int:
        def compute() -> int:
            if (field, term) not in reader:
                return 0
            return _bits(reader.postings(field, term).all_ids())

        return self.remember((reader.segment().segment_id(), field, term), compute)

    def live(self, reader: IndexReader) -> int:
        size = reader.doc_count_all()
        if not reader.has_deletions():
            return (1 << size) - 1
        return self.remember(
            (reader.segment().segment_id(), "live", reader.doc_count()),
            lambda: _bits(n for n in range(size) if not reader.is_deleted(n)))

    def windows(self, reader: IndexReader) -> list[tuple[int, int, int]]:
        """``(docnum, from, until)`` of the segment's records that have a visibility window."""
        def compute() -> list[tuple[int, int, int]]:
            return [(docnum, *reader.stored_fields(docnum)["hit"]["window"])
                    for docnum in members(self.term(reader, "windowed", "1"))]

        return self.remember((reader.segment().segment_id(), "windows"), compute)

    def visible(self, reader: IndexReader, moment: int) -> int:
        """Windowed records visible at ``moment``; reused until the next window opens or closes."""
        key = (reader.segment().segment_id(), "visible")
        cached = self.remember(key, lambda: (1, 0, 0))
        valid_from, valid_until, bits = cached
        if valid_from <= moment < valid_until:
            return bits
        windows = self.windows(reader)
        bits = _bits(docnum for docnum, start, end in windows if start <= moment < end)
        edges = [edge for _, start, end in windows for edge in (start, end)]
        valid_from = max((edge for edge in edges if edge <= moment), default=-(2**63))
        valid_until = min((edge for edge in edges if edge > moment), default=2**63)
        self.store(key, (valid_from, valid_until, bits))
        return bits


CACHE = SegmentCache()  # per process; keys are segment ids, which differ between index folders


def _bits(numbers: Iterable[int]) -> int:
    array = bytearray()
    for number in numbers:
        index = number >> 3
        if index >= len(array):
            array.extend(bytes(index - len(array) + 1))
        array[index] |= 1 << (number & 7)
    return int.from_bytes(array, "little")


def members(bits: int) -> Iterator[int]:
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index, byte in enumerate(data):
        if byte:
            base = index << 3
            for bit in BYTE_BITS[byte]:
                yield base + bit


class Segments:
    """The searcher's segments with their doc-number offsets: bit sets over the whole index."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        # an empty index has one reader without a segment (and without documents)
        self.leaves = [(reader, offset) for reader, offset in searcher.reader().leaf_readers()
                       if reader.segment() is not None]

    def _combine(self, local: Callable[[IndexReader], int]) -> int:
        return reduce(or_, (local(reader) << offset for reader, offset in self.leaves), 0)

    def term(self, field: str, term: str) -> int:
        return self._combine(lambda reader: CACHE.term(reader, field, term))

    def any_term(self, field: str, values: Iterable[str]) -> int:
        return reduce(or_, (self.term(field, value) for value in values), 0)

    def live(self) -> int:
        """Documents not deleted."""
        return self._combine(CACHE.live)

    def visible(self, now: datetime) -> int:
        """Records without a visibility window, plus windowed ones whose window contains ``now``."""
        moment = int((now - EPOCH).total_seconds())
        return self.term("windowed", "0") | self._combine(
            lambda reader: CACHE.visible(reader, moment))

    def query(self, query: Query) -> int:
        return _bits(self.searcher.docs_for_query(query))


def _word_bits(segments: Segments, word: str) -> int | None:
    """Documents containing ``word`` in a text field of their language; a word that is a stop
    word in one language matches every document of that language, and in both, nothing is
    asked (``None``)."""
    english = segments.term("language", "en")
    sides = {"fr": ~english, "en": english}
    found = 0
    stop_everywhere = True
    for language, fields in TEXT_FIELDS.items():
        stems = terms(word, language)
        if not stems:
            found |= sides[language]
            continue
        stop_everywhere = False
        for field in fields:
            found |= reduce(lambda acc, stem: acc & segments.term(field, stem), stems[1:],
                            segments.term(field, stems[0]))
    return None if stop_everywhere else found


def _phrase_query(words: tuple[str, ...]) -> Query | None:
    clauses: list[Query] = []
    for language, fields in TEXT_FIELDS.items():
        stems = [stem for word in words for stem in terms(word, language)]
        if len(stems) > 1:
            clauses.extend(Phrase(field, stems) for field in fields)
        elif stems:
            clauses.extend(Term(field, stems[0]) for field in fields)
    return Or(clauses) if clauses else None


def matches(segments: Segments, query: UserQuery, live: int) -> int:
    bits = live
    for word in query.words:
        found = _word_bits(segments, word)
        if found is not None:
            bits &= found
    for words in query.phrases:
        phrase = _phrase_query(words)
        if phrase is not None:
            bits &= segments.query(phrase)
    for word in query.excluded:
        found = _word_bits(segments, word)
        if found is not None:
            bits &= ~found
    return bits


def allowed(segments: Segments, request: SearchRequest) -> int:
    """What this visitor may find at this moment, with the chosen filters applied."""
    bits = segments.any_term("access", request.access) & segments.any_term("owner", request.owners)
    bits &= segments.visible(request.now)
    for facet, value in request.filters.items():
        bits &= segments.term(FACET_FIELDS[facet], value.lower() if facet == "language" else value)
    return bits


def facet_counts(segments: Segments, found: int) -> dict[str, dict[str, int]]:
    """Counts by value of each facet over ``found`` — the same set the results come from."""
    reader = segments.searcher.reader()
    counts: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        field = FACET_FIELDS[facet]
        by_value = {value: (found & segments.term(field, value)).bit_count()
                    for value in set(reader.field_terms(field))}
        counts[facet] = {value: count for value, count in by_value.items() if count}
    return counts


def suggest(searcher: Searcher, query: UserQuery) -> str | None:
    """The query with each unknown word replaced by the closest indexed word, if any."""
    changed = False
    words = []
    for word in query.words:
        folded = " ".join(token.text for token in searcher.schema["spell"].analyzer(word))
        if not folded or (("spell", folded) in searcher.reader()):
            words.append(word)
            continue
        options = searcher.suggest("spell", folded, limit=1, maxdist=2, prefix=1)
        words.append(options[0] if options else word)
        changed = changed or bool(options)
    return " ".join(words) if changed else None
