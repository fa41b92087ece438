"""Counting the SQL statements a page runs, to hold its query count down."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from crpm_cms.extensions import db


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app runs inside the ``with`` block, in order."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def queries_of_page(app: Flask, client: FlaskClient, url: str) -> int:
    """How many SQL statements answering ``url`` takes (the page must answer 200)."""
    with counted_queries(app) as statements:
        assert client.get(url).status_code == 200, url
    return len(statements)
