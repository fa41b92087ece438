"""Keeping the index in step with the database, which stays the source of truth.

One writer at a time (the backend's lock, with a timeout) reads the outbox, asks the plugins for
the current state of each changed record and writes it, then deletes exactly the outbox rows it
read. A writer that cannot get the lock leaves the rows for the next one; a crash between the
index commit and the outbox delete only means a record is written twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app, has_request_context
from sqlalchemy import delete, func, select

from crpm_cms.extensions import db
from crpm_cms.hookspecs import SearchSource
from crpm_cms.search.backends import IndexedRecord, IndexLocked, SearchBackend, SearchUnavailable
from crpm_cms.search.models import SearchChange

BATCH = 200
REQUEST_LOCK_TIMEOUT = 2.0  # seconds a request waits for the index lock before leaving the work
REINDEX_LOCK_TIMEOUT = 120.0
log = logging.getLogger(__name__)


def sources() -> dict[str, tuple[str, SearchSource]]:
    """``kind → (owner, source)`` of every loaded plugin's search sources (the core's too)."""
    return current_app.extensions["crpm_search_sources"]


def backend() -> SearchBackend:
    return current_app.extensions["crpm_search"]


@contextmanager
def url_context() -> Iterator[None]:
    """Plugins build record URLs with ``url_for``: outside a request (commands, teardown) give
    them one, relative to the site root."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/"):
        yield


def fetch_record(kind: str, key: str) -> IndexedRecord | None:
    """The record as it is now, from the loaded plugin that owns ``kind`` (enabled or not: the
    query, not the index, hides a disabled plugin's records)."""
    owner, source = sources().get(kind, (None, None))
    found = source.document(key) if source else None
    return IndexedRecord(found, owner) if found and owner else None


def all_records() -> Iterator[IndexedRecord]:
    """Every record of every loaded plugin."""
    for owner, source in sources().values():
        for document in source.all_documents():
            yield IndexedRecord(document, owner)


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchChange)) or 0


def apply_pending(timeout: float = REQUEST_LOCK_TIMEOUT) -> int:
    """Apply recorded changes in batches; returns how many outbox rows were applied.

    Raises ``IndexLocked`` when another writer keeps the lock, ``SearchUnavailable`` when there
    is no index to write to (only a reindex creates one).
    """
    db.session.rollback()  # only committed changes count, read after the lock is taken
    applied = 0
    while pending_count():
        with url_context(), backend().writer(timeout) as writer:
            rows = db.session.execute(select(SearchChange.id, SearchChange.kind, SearchChange.key)
                                      .order_by(SearchChange.id).limit(BATCH)).all()
            for kind, key in dict.fromkeys((row.kind, row.key) for row in rows):
                record = fetch_record(kind, key)
                if record is None:
                    writer.delete(kind, key)
                else:
                    writer.upsert(record)
        _forget([row.id for row in rows])
        applied += len(rows)
        if len(rows) < BATCH:
            break
    return applied


def _forget(ids: list[int]) -> None:
    for start in range(0, len(ids), 1000):
        db.session.execute(delete(SearchChange).where(SearchChange.id.in_(ids[start:start + 1000])))
    db.session.commit()


def apply_quietly(timeout: float = REQUEST_LOCK_TIMEOUT) -> None:
    """After a request or command that changed indexed records: apply, and never fail it."""
    try:
        apply_pending(timeout)
    except (IndexLocked, SearchUnavailable) as error:
        log.info("search changes left in the outbox for the next writer: %s", error)
        db.session.rollback()
    except Exception:  # the change itself is committed; indexing must not break the page
        log.exception("applying search changes failed; they stay in the outbox")
        db.session.rollback()


def reindex(progress: Callable[[int], None] = lambda _n: None,
            timeout: float = REINDEX_LOCK_TIMEOUT) -> int:
    """Rebuild the whole index from the database; readers keep the old one until the end.

    The outbox rows present when the rebuild starts are covered by it and deleted after; rows
    added meanwhile stay for the next writer.
    """
    db.session.rollback()
    count = 0
    with url_context(), backend().writer(timeout, replace_all=True) as writer:
        covered = list(db.session.scalars(select(SearchChange.id)))
        for record in all_records():
            writer.upsert(record)
            count += 1
            progress(1)
    _forget(covered)
    return count


@dataclass
class CheckReport:
    """What ``crpm search check`` found: uids missing from, stale in, or extra in the index."""

    indexed: int = 0
    expected: int = 0
    pending: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def check() -> CheckReport:
    """Compare every record the database would index with what the index holds."""
    with url_context():
        expected = {record.uid: record.fingerprint() for record in all_records()}
    indexed = dict(backend().fingerprints())
    return CheckReport(
        indexed=len(indexed), expected=len(expected), pending=pending_count(),
        missing=sorted(expected.keys() - indexed.keys()),
        stale=sorted(uid for uid in expected.keys() & indexed.keys()
                     if expected[uid] != indexed[uid]),
        extra=sorted(indexed.keys() - expected.keys()),
    )


def ensure_index() -> bool:
    """Build the index when there is none (a new deployment, a deleted folder); True if built."""
    if backend().is_ready():
        return False
    reindex()
    return True


def apply_job() -> str:
    """The periodic job: rebuild a missing or corrupt index, else apply what is pending."""
    if ensure_index():
        return "index rebuilt"
    return f"{apply_pending(timeout=30.0)} change(s) applied"
