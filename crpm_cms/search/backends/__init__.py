"""The one small interface both search backends implement, and the values crossing it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Protocol

from markupsafe import Markup

from crpm_cms.hookspecs import SearchDocument
from crpm_cms.search.analysis import UserQuery

FACETS = ("kind", "type", "country", "theme", "year", "language")
PER_PAGE = 10
SNIPPET_CHARS = 240


class SearchUnavailable(Exception):
    """The index is missing, corrupt or being rebuilt: answer "search is being rebuilt"."""


class IndexLocked(Exception):
    """Another process holds the index writer lock past the timeout; try again later."""


@dataclass(frozen=True)
class IndexedRecord:
    """A ``SearchDocument`` with the plugin that answered for it (``core`` for the core's)."""

    document: SearchDocument
    owner: str

    @property
    def uid(self) -> str:
        return f"{self.document.kind}:{self.document.key}"

    def fingerprint(self) -> str:
        """Changes whenever anything indexed changes: how ``crpm search check`` spots stale rows."""
        values = {**asdict(self.document), "owner": self.owner}
        encoded = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha1(encoded.encode()).hexdigest()


@dataclass(frozen=True)
class SearchRequest:
    """One query with the visitor's rights: ``access`` levels and enabled ``owners`` it may see."""

    query: UserQuery
    access: tuple[str, ...]
    owners: tuple[str, ...]
    now: datetime
    filters: dict[str, str] = field(default_factory=dict)  # facet name (FACETS) → value
    sort: str = "relevance"  # or "date"
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class SearchHit:
    kind: str
    key: str
    title: str
    url: str
    type: str
    countries: tuple[str, ...]
    year: int | None
    language: str
    snippet: Markup
    published_on: date | None


@dataclass
class SearchResults:
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    estimated: bool = False  # total and facet counts are estimates (see the PostgreSQL backend)


class IndexWriter(Protocol):
    def upsert(self, record: IndexedRecord) -> None: ...

    def delete(self, kind: str, key: str) -> None: ...


class SearchBackend(Protocol):
    """Whoosh or PostgreSQL: built from the app config, one per app."""

    name: str

    def writer(self, timeout: float,
               replace_all: bool = False) -> AbstractContextManager[IndexWriter]:
        """Hold the index lock (``IndexLocked`` after ``timeout`` s) and write on exit;
        ``replace_all`` starts from an empty index that readers see only once complete."""

    def search(self, request: SearchRequest) -> SearchResults:
        """Raises ``SearchUnavailable`` when the index cannot be read."""

    def fingerprints(self) -> Iterator[tuple[str, str]]:
        """``(uid, fingerprint)`` of every indexed record."""

    def is_ready(self) -> bool:
        """Whether the index exists and can be opened."""


def facet_values(document: SearchDocument) -> dict[str, tuple[str, ...]]:
    """The facet values of a record, the same for both backends."""
    return {
        "kind": (document.kind,),
        "type": (document.type,) if document.type else (),
        "country": tuple(document.countries),
        "theme": tuple(document.themes),
        "year": (str(document.year),) if document.year else (),
        "language": (document.language,),
    }


def plain_snippet(text: str) -> Markup:
    """The start of the text, escaped, when nothing could be highlighted."""
    text = " ".join(text.split())
    cut = text[:SNIPPET_CHARS]
    if len(text) > SNIPPET_CHARS:
        cut = cut.rsplit(" ", 1)[0] + " …"
    return Markup.escape(cut)
