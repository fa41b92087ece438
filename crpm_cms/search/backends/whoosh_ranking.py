"""Ranking one page of a Whoosh result set with BM25 (title fields boosted), and building its hits.

Whoosh's own collector scores every match through Python matchers (tens of milliseconds at a
few thousand documents). Here each term's per-document BM25 weights are read once per immutable
segment into an ``array`` and kept in the segment cache; a query then sums the weights of the
matching documents with ``map`` and picks the page with ``heapq``.
"""

from __future__ import annotations

import heapq
from array import array
from datetime import date
from itertools import repeat
from operator import add, mul
from typing import Any

from whoosh.reading import IndexReader

from crpm_cms.search.analysis import UserQuery, terms
from crpm_cms.search.backends import SearchHit, SearchRequest, plain_snippet
from crpm_cms.search.backends.whoosh_query import CACHE, TEXT_FIELDS, Segments, members
from crpm_cms.search.snippets import highlight

K1, B = 1.2, 0.75
FIELD_BOOST = {"title_fr": 3.0, "title_en": 3.0, "text_fr": 1.0, "text_en": 1.0}


def _lengths(reader: IndexReader, field: str) -> array:
    size = reader.doc_count_all()
    return array("f", (reader.doc_field_length(n, field) or 0 for n in range(size)))


def _weights(reader: IndexReader, field: str, term: str) -> array | None:
    """BM25's term-frequency part for every document of the segment (0 where absent)."""
    if (field, term) not in reader:
        return None
    lengths = CACHE.remember((reader.segment().segment_id(), field, "lengths"),
                             lambda: _lengths(reader, field))
    average = (sum(lengths) / len(lengths)) or 1.0
    weights = array("f", bytes(4 * len(lengths)))
    postings = reader.postings(field, term)
    while postings.is_active():
        number, frequency = postings.id(), postings.weight()
        norm = 1 - B + B * lengths[number] / average
        weights[number] = frequency * (K1 + 1) / (frequency + K1 * norm)
        postings.next()
    return weights


def cached_weights(reader: IndexReader, field: str, term: str) -> array | None:
    return CACHE.remember((reader.segment().segment_id(), field, term, "bm25"),
                          lambda: _weights(reader, field, term))


def query_terms(query: UserQuery) -> list[tuple[str, str]]:
    """``(field, stem)`` pairs of the words and phrases (excluded words do not score)."""
    words = [*query.words, *(word for phrase in query.phrases for word in phrase)]
    return list(dict.fromkeys((field, stem) for word in words
                              for language, fields in TEXT_FIELDS.items()
                              for stem in terms(word, language) for field in fields))


def ranked(segments: Segments, request: SearchRequest, found: int, count: int) -> list[int]:
    """The ``count`` best document numbers of ``found``, best first."""
    if request.sort == "date" or request.query.empty:
        return _newest(segments, found, count)
    factors = [(field, stem, FIELD_BOOST[field] * segments.searcher.idf(field, stem))
               for field, stem in query_terms(request.query)]
    candidates: list[tuple[float, int]] = []
    for reader, offset in segments.leaves:
        local = list(members((found >> offset) & ((1 << reader.doc_count_all()) - 1)))
        if not local:
            continue
        total: list[float] = [0.0] * len(local)
        for field, stem, factor in factors:
            weights = cached_weights(reader, field, stem)
            if weights is not None:
                scaled = map(mul, map(weights.__getitem__, local), repeat(factor))
                total = list(map(add, total, scaled))
        candidates.extend(zip(total, (number + offset for number in local), strict=True))
    return [number for _, number in heapq.nlargest(count, candidates)]


def _newest(segments: Segments, found: int, count: int) -> list[int]:
    best: list[tuple[int, int]] = []
    for reader, offset in segments.leaves:
        dates = _published_dates(reader)
        local = members((found >> offset) & ((1 << reader.doc_count_all()) - 1))
        best = heapq.nlargest(count, [*best, *((dates[n], n + offset) for n in local)])
    return [number for _, number in best]


def _published_dates(reader: IndexReader) -> Any:
    """The ``published`` column of a segment, read once and kept while the segment lives."""
    return CACHE.remember((reader.segment().segment_id(), "published", "column"),
                          lambda: reader.column_reader("published").load())


def hits(segments: Segments, query: UserQuery, numbers: list[int]) -> list[SearchHit]:
    stems = {language: {stem for word in [*query.words, *(w for p in query.phrases for w in p)]
                        for stem in terms(word, language)} for language in TEXT_FIELDS}
    return [_hit(segments.searcher.stored_fields(number), stems) for number in numbers]


def _hit(stored: dict[str, Any], stems: dict[str, set[str]]) -> SearchHit:
    data = stored["hit"]
    language = "en" if data["language"] == "en" else "fr"
    body = stored.get("body", "")
    published = data.get("published_on")
    return SearchHit(
        kind=data["kind"], key=data["key"], title=data["title"], url=data["url"],
        type=data["type"], countries=tuple(data["countries"]), year=data["year"],
        language=data["language"],
        snippet=highlight(body, stems[language], language) or plain_snippet(body),
        published_on=published if isinstance(published, date) else None,
    )
