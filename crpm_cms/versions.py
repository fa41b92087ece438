"""One guard against lost updates, for every record people edit (an optimistic lock).

A model that mixes in ``Versioned`` has a ``version`` column. A save starts, in its own
transaction, with ``UPDATE … SET version = version + 1 WHERE id = :id AND version = :seen`` and
checks the row count: of two saves from the same version, the second updates no row (on
PostgreSQL it waits for the first to commit, then finds the version changed; on SQLite the
first holds the write lock) and is refused before it writes anything. The row is the whole
record's guard: a save that changes only its related rows (places, seats) raises it too.

The version a person started from travels with the form (``VersionField``, hidden) and the API
(the ``If-Match`` header); ``saving(record, seen)`` does the check. The view then answers 409
with the form as it was typed (nothing is lost), the version now stored (saving again is a
deliberate choice), and ``changes``: the fields someone else changed, with their new values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, inspect, select, update
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import set_committed_value
from wtforms import Field, HiddenField

from crpm_cms.extensions import db
from crpm_cms.pagination import whole_number_in


class Versioned:
    """Mixin: a ``version`` column, checked and raised by each save made with ``saving``."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")


class StaleRecord(Exception):
    """Someone saved the record since this person (or API client) read it: saving would undo
    their change. ``version`` is the one stored now."""

    def __init__(self, version: int | None) -> None:
        super().__init__(f"the record is at version {version}")
        self.version = version


def stored_version(record: Any) -> int | None:
    """The version the database holds now for ``record`` (outside the session's copy)."""
    model = type(record)
    key = inspect(record).identity
    if key is None:
        return None
    (primary_key,) = inspect(model).primary_key
    return db.session.scalar(select(model.version).where(primary_key == key[0]))


def claim(record: Any, seen: int | None) -> None:
    """Raise the version of ``record`` if it is still ``seen`` (or, without ``seen``, the one
    this request loaded), in the current transaction; ``StaleRecord``, with everything rolled
    back, if someone saved it since. A record not yet in the database is not checked."""
    if record is None or inspect(record).identity is None:
        return
    model = type(record)
    (primary_key,) = inspect(model).primary_key
    expected = seen if seen is not None else record.version
    result = cast(CursorResult[Any], db.session.execute(
        update(model).where(primary_key == inspect(record).identity[0],
                            model.version == expected)
        .values(version=model.version + 1)
        .execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        db.session.rollback()
        raise StaleRecord(stored_version(record))
    set_committed_value(record, "version", expected + 1)


@contextmanager
def saving(record: Any, seen: int | None) -> Iterator[None]:
    """Around the change and commit of ``record``: ``claim`` it first."""
    claim(record, seen)
    yield


def seen_version(text: str | None) -> int | None:
    """A version sent back by a form or an ``If-Match`` header (``"3"`` or ``W/"3"``)."""
    return whole_number_in((text or "").removeprefix("W/").strip('"'), 1, 2**62)


class VersionField(HiddenField):
    """The version the form was filled from; set it on GET, read it with ``seen_version``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(_l("Version"), **kwargs)


# The token and version are not content; rows of nested forms (identifiers, places) come back
# with their blank rows, so they cannot be compared with the stored list: the kept form shows them.
SKIPPED_IN_CHANGES = ("CSRFTokenField", "VersionField", "FieldList", "FormField")


def changes(fields: Iterator[Field] | list[Field], current: Mapping[str, Any],
            labels: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``(label, value now stored)`` of each field whose stored value differs from what the
    person typed: what someone else changed meanwhile, shown beside the kept form."""
    found = []
    for field in fields:
        if field.name not in current or field.type in SKIPPED_IN_CHANGES:
            continue
        now, typed = current[field.name], field.data
        if _normal(now) != _normal(typed):
            label = (labels or {}).get(field.name) or str(field.label.text)
            found.append((label, _shown(now, field)))
    return found


def _normal(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return sorted(str(item) for item in value)
    return "" if value is None else str(value).strip()


def _shown(value: Any, field: Field) -> str:
    choices = {choice[0]: choice[1] for choice in getattr(field, "choices", None) or []
               if isinstance(choice, tuple | list) and len(choice) >= 2}
    if isinstance(value, list | tuple | set):
        return ", ".join(str(choices.get(item, item)) for item in value) or "—"
    return str(choices.get(value, value)) if value not in (None, "") else "—"
