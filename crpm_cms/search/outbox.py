"""Recording changes for the index in the transaction that makes them (the outbox pattern).

A row in ``search_outbox`` says "this record changed"; it commits or rolls back with the change,
so a crash between the commit and the indexing loses nothing: the next index writer applies it.
``watch_model`` turns any ORM insert, update or delete of a model — through the unit of work or
an ``update()``/``delete()`` statement — into such a row, with SQLAlchemy session events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from flask import g, has_app_context
from sqlalchemy import Delete, Update, event, insert, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from crpm_cms.extensions import db
from crpm_cms.search.models import SearchChange
from crpm_cms.timezones import utcnow

PENDING_FLAG = "crpm_search_changes"


@dataclass(frozen=True)
class Watched:
    """How to name a watched model's rows in the index, and which columns do not matter."""

    kind: Callable[[Any], str]
    key: Callable[[Any], str]
    ignore: frozenset[str]


# Static facts about model classes (set at import time), not per-app state.
_WATCHED: dict[type, Watched] = {}


def _row_id(row: Any) -> str:
    return str(row.id)


def watch_model(model: type, kind: str | Callable[[Any], str],
                key: Callable[[Any], str] = _row_id, ignore: Iterable[str] = ()) -> None:
    """Record every ORM change to ``model`` in the outbox; ``ignore`` lists columns whose change
    alone does not alter the indexed record (a download counter)."""
    kind_of = kind if callable(kind) else (lambda _row, name=kind: name)
    _WATCHED[model] = Watched(kind_of, key, frozenset(ignore))


def record_change(kind: str, key: str) -> None:
    """Have ``kind``/``key`` re-read and re-indexed once the current transaction commits."""
    db.session.add(SearchChange(kind=kind, key=str(key), created_at=utcnow()))
    _mark_pending()


def _mark_pending() -> None:
    if has_app_context():
        setattr(g, PENDING_FLAG, True)


def changes_pending() -> bool:
    """Whether this app context recorded a change (so the end of the request applies it)."""
    return has_app_context() and bool(g.get(PENDING_FLAG))


def _watched(row: Any) -> Watched | None:
    return _watched_class(type(row))


def _changed(row: Any, ignore: frozenset[str]) -> bool:
    state = inspect(row)
    return any(attribute.history.has_changes() for attribute in state.attrs
               if attribute.key not in ignore)


def _write(session: Session, changes: set[tuple[str, str]]) -> None:
    if not changes:
        return
    now = utcnow()
    session.connection().execute(insert(SearchChange), [
        {"kind": kind, "key": key, "created_at": now} for kind, key in sorted(changes)])
    _mark_pending()


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    changes = set()
    for row in chain(session.new, session.dirty, session.deleted):
        watched = _watched(row)
        if watched is None:
            continue
        if row in session.dirty and not _changed(row, watched.ignore):
            continue
        changes.add((watched.kind(row), watched.key(row)))
    _write(session, changes)


def _statement_columns(statement: Any) -> set[str]:
    values = getattr(statement, "_values", None) or {}
    return {getattr(column, "key", None) or str(column) for column in values}


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    """``update(Model)`` and ``delete(Model)`` statements bypass the unit of work: record the
    rows they target (read just before) so they reach the outbox too."""
    statement = state.statement
    if not isinstance(statement, Update | Delete) or state.bind_mapper is None:
        return
    model = state.bind_mapper.class_
    watched = _watched_class(model)
    if watched is None:
        return
    if isinstance(statement, Update) and _statement_columns(statement) <= watched.ignore:
        return
    query = select(model)
    if statement.whereclause is not None:
        query = query.where(statement.whereclause)
    targets = state.session.execute(query, execution_options={"autoflush": False}).scalars()
    _write(state.session, {(watched.kind(row), watched.key(row)) for row in targets})


def _watched_class(model: type) -> Watched | None:
    return next((_WATCHED[cls] for cls in model.__mro__ if cls in _WATCHED), None)
