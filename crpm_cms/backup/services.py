"""Backing up a deployment into one archive, and restoring it into an empty one.

The archive (``.tar.gz``) holds:

- ``manifest.json``: the format, when, the versions of CRPM CMS and of each plugin, the database
  it came from, the migration revisions, the row count of each table and a SHA-256 of every
  other member (a damaged archive is refused before anything is written);
- ``database/<table>.jsonl``: every row of every table, read in one transaction (a consistent
  snapshot: SQLite in WAL mode, PostgreSQL ``REPEATABLE READ``), one JSON object per line with
  dates, times, bytes and decimals tagged. One portable format for both databases is what lets
  a SQLite deployment move up to PostgreSQL: restore its backup with a PostgreSQL
  ``DATABASE_URL``;
- ``files/``: the uploaded files (``instance/uploads``);
- ``instance/config.py``: the instance settings, secrets (``SECRET_KEY``, passwords, tokens)
  left out.

A restore creates the schema at the backup's revisions, copies the rows, moves the sequences of
PostgreSQL past the restored ids, upgrades to the code's migrations, puts the files back and
rebuilds the search index.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import io
import json
import re
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO, Any

import flask_migrate
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import (
    Connection,
    MetaData,
    Table,
    create_engine,
    func,
    insert,
    inspect,
    select,
    text,
)

from crpm_cms.extensions import db

FORMAT = 1
BATCH = 1000
UPLOADS = "uploads"
SKIPPED_TABLES = {"alembic_version"}  # the migrations write it
SECRET = re.compile(r"^\s*[A-Z_]*(SECRET|PASSWORD|TOKEN|_KEY)[A-Z_]*\s*=.*$", re.MULTILINE)
BACKUP_NAME = re.compile(r"^crpm-backup-\d{8}-\d{6}\.tar\.gz$")


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    files: int
    skipped: tuple[str, ...]  # tables of the backup this site has no place for


# -- values ---------------------------------------------------------------------------------------


def encoded(value: Any) -> Any:
    """A column value as JSON: dates, times, bytes and decimals tagged with their type."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, decimal.Decimal):
        return {"$decimal": str(value)}
    return value


def decoded(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, raw),) = value.items()
        if tag == "$datetime":
            return dt.datetime.fromisoformat(raw)
        if tag == "$date":
            return dt.date.fromisoformat(raw)
        if tag == "$time":
            return dt.time.fromisoformat(raw)
        if tag == "$bytes":
            return base64.b64decode(raw)
        if tag == "$decimal":
            return decimal.Decimal(raw)
    return value


# -- backup ---------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    plugins = current_app.extensions["crpm_plugins"]
    return {"crpm-cms": metadata.version("crpm-cms"),
            **{name: plugins.installed[name].version for name in plugins.loaded}}


@contextmanager
def snapshot(work: Path) -> Iterator[Connection]:
    """A connection that sees one consistent state of the whole database while others write:
    on PostgreSQL a ``REPEATABLE READ`` transaction; on SQLite a copy made with its online
    backup API (Python's driver starts no transaction for a read, so each table would be read
    at another moment)."""
    if db.engine.dialect.name != "sqlite":
        with db.engine.connect() as connection, connection.begin():
            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, "
                                    "READ ONLY"))
            yield connection
        return
    copy = work / "snapshot.sqlite3"
    source = db.engine.raw_connection()
    try:
        with sqlite3.connect(copy) as destination:
            source.driver_connection.backup(destination)  # type: ignore[union-attr]
        destination.close()
    finally:
        source.close()
    engine = create_engine(f"sqlite:///{copy}")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()
        copy.unlink()


def table_rows(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)[:1]
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
        select(table).order_by(*order))
    for row in result.mappings():
        yield {key: encoded(value) for key, value in row.items()}


def add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def settings_without_secrets(instance: Path) -> bytes | None:
    config = instance / "config.py"
    if not config.is_file():
        return None
    return SECRET.sub("# (a secret, left out of the backup)", config.read_text("utf-8")).encode()


def uploaded_files(instance: Path) -> list[Path]:
    folder = instance / UPLOADS
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else []


def backup(target: Path) -> dict[str, Any]:
    """Write the archive ``target`` (``.tar.gz``); returns its manifest."""
    instance = Path(current_app.instance_path)
    checksums: dict[str, str] = {}
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as work:
        dumps = Path(work) / "database"
        dumps.mkdir()
        with snapshot(Path(work)) as connection:
            tables = MetaData()
            tables.reflect(connection)
            revisions = sorted(connection.scalars(text("SELECT version_num FROM alembic_version")))
            for table in tables.sorted_tables:
                path = dumps / f"{table.name}.jsonl"
                with path.open("w", encoding="utf-8") as out:
                    counts[table.name] = 0
                    for row in table_rows(connection, table):
                        out.write(json.dumps(row, ensure_ascii=False) + "\n")
                        counts[table.name] += 1
        partial = target.with_name(target.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            for path in sorted(dumps.iterdir()):
                name = f"database/{path.name}"
                archive.add(path, name)
                with path.open("rb") as stream:
                    checksums[name] = sha256_of(stream)
            for path in uploaded_files(instance):
                name = f"files/{path.relative_to(instance / UPLOADS).as_posix()}"
                archive.add(path, name)
                with path.open("rb") as stream:
                    checksums[name] = sha256_of(stream)
            settings = settings_without_secrets(instance)
            if settings is not None:
                add_bytes(archive, "instance/config.py", settings)
                checksums["instance/config.py"] = hashlib.sha256(settings).hexdigest()
            manifest = {
                "format": FORMAT, "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "versions": versions(), "database": db.engine.dialect.name,
                "migrations": revisions, "tables": counts, "checksums": checksums}
            add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
        partial.replace(target)  # a backup cut short never looks like a whole one
    return manifest


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest ``crpm-backup-*.tar.gz`` of ``folder`` beyond the ``keep`` newest."""
    archives = sorted(path for path in folder.iterdir() if BACKUP_NAME.match(path.name))
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


def default_name(now: dt.datetime | None = None) -> str:
    return f"crpm-backup-{(now or dt.datetime.now(dt.UTC)):%Y%m%d-%H%M%S}.tar.gz"


# -- restore --------------------------------------------------------------------------------------


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    """The manifest, after every member was checked against its checksum."""
    try:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    except (KeyError, ValueError, TypeError):
        raise BackupError(_("This file is not a CRPM CMS backup (no manifest).")) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup's format (%(format)s) is not one this version reads.",
                            format=manifest.get("format")))
    for name, expected in manifest["checksums"].items():
        member = archive.extractfile(name)
        if member is None or sha256_of(member) != expected:
            raise BackupError(_("The backup is damaged: %(name)s does not match its checksum.",
                                name=name))
    return manifest


def has_data(instance: Path) -> bool:
    """Whether the database holds rows (reference data included) or files were uploaded."""
    with db.engine.connect() as connection:
        for name in inspect(connection).get_table_names():
            if name not in SKIPPED_TABLES and connection.scalar(
                    select(func.count()).select_from(text(f'"{name}"'))):
                return True
    return bool(uploaded_files(instance))


def empty_database() -> None:
    """Drop every table of the database (``--force``)."""
    db.session.remove()  # its transaction would hold locks the drops wait for
    tables = MetaData()
    tables.reflect(db.engine)
    tables.drop_all(db.engine)
    if db.engine.dialect.name == "postgresql":  # the search's text configurations (0004)
        with db.engine.begin() as connection:
            for name in connection.scalars(text(
                    "SELECT cfgname FROM pg_ts_config "
                    "WHERE cfgnamespace = current_schema()::regnamespace")):
                connection.execute(text(f'DROP TEXT SEARCH CONFIGURATION "{name}" CASCADE'))


def create_schema(revisions: Iterable[str]) -> None:
    """The schema as the backup's code had it: each migration branch up to its revision."""
    for revision in revisions:
        flask_migrate.upgrade(revision=revision)


def load_rows(archive: tarfile.TarFile, manifest: dict[str, Any]) -> tuple[int, int, list[str]]:
    tables = MetaData()
    tables.reflect(db.engine)
    skipped = sorted(set(manifest["tables"]) - set(tables.tables) - SKIPPED_TABLES)
    count = loaded = 0
    with db.engine.begin() as connection:
        for table in tables.sorted_tables:
            if table.name in SKIPPED_TABLES or table.name not in manifest["tables"]:
                continue
            connection.execute(table.delete())  # reference data a migration may have added
            stream = archive.extractfile(f"database/{table.name}.jsonl")
            assert stream is not None
            batch: list[dict[str, Any]] = []
            for line in io.TextIOWrapper(stream, encoding="utf-8"):
                row = json.loads(line)
                batch.append({key: decoded(value) for key, value in row.items()
                              if key in table.columns})
                if len(batch) == BATCH:
                    connection.execute(insert(table), batch)
                    count, batch = count + len(batch), []
            if batch:
                connection.execute(insert(table), batch)
                count += len(batch)
            loaded += 1
            if connection.dialect.name == "postgresql":
                move_sequences(connection, table)
    return loaded, count, skipped


def move_sequences(connection: Connection, table: Table) -> None:
    """Let PostgreSQL's next id come after the restored ones."""
    for column in table.primary_key.columns:
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                     {"t": table.name, "c": column.name})
        if sequence:
            connection.execute(text(
                f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), '
                f"0) + 1, false)"), {"s": sequence})


def restore_files(archive: tarfile.TarFile, instance: Path) -> int:
    count = 0
    uploads = (instance / UPLOADS).resolve()
    for member in archive.getmembers():
        if not member.isfile():
            continue
        if member.name.startswith("files/"):
            destination = (uploads / member.name.removeprefix("files/")).resolve()
            if not destination.is_relative_to(uploads):
                raise BackupError(_("The backup is damaged: %(name)s.", name=member.name))
            count += 1
        elif member.name == "instance/config.py":
            destination = instance / "config.from-backup.py"
        else:
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        source = archive.extractfile(member)
        assert source is not None
        with destination.open("wb") as out:
            shutil.copyfileobj(source, out)
    return count


def open_archive(source: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(source, "r:gz")
    except (OSError, tarfile.TarError):
        raise BackupError(_("%(file)s is not a readable backup archive.", file=source)) from None


def restore(source: Path, force: bool = False) -> Restored:
    """Restore the archive ``source`` into this (empty) deployment."""
    from crpm_cms.cli import upgrade_schema
    from crpm_cms.search.indexing import reindex

    instance = Path(current_app.instance_path)
    with open_archive(source) as archive:
        manifest = read_manifest(archive)
        if has_data(instance):
            if not force:
                raise BackupError(_("This site already holds data: restore into an empty "
                                    "database and instance folder, or add --force to replace "
                                    "everything."))
            empty_database()
            shutil.rmtree(instance / UPLOADS, ignore_errors=True)
        db.session.remove()
        branches = current_app.extensions["crpm_migration_branches"]
        known = [revision for revision in manifest["migrations"] if revision_branch(revision)
                 in branches]
        create_schema(known)
        db.session.remove()
        tables, rows, skipped = load_rows(archive, manifest)
        upgrade_schema()
        files = restore_files(archive, instance)
    db.session.remove()
    reindex()
    return Restored(tables, rows, files, tuple(skipped))


def revision_branch(revision: str) -> str | None:
    """The branch (``core`` or a plugin's name) a migration revision belongs to."""
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    found = script.get_revision(revision)
    if found is None:
        return None
    labels = set(found.branch_labels)
    for ancestor in script.iterate_revisions(revision, "base"):
        labels |= set(ancestor.branch_labels)
    return next(iter(labels), "core")
