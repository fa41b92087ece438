"""``crpm backup [FILE] [--keep N]`` and ``crpm restore FILE [--force]``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from crpm_cms.backup import services


@click.command("backup")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="Keep only the N newest crpm-backup-*.tar.gz of the folder.")
@with_appcontext
def backup_command(file: Path | None, keep: int | None) -> None:
    """Write one archive: the database (a consistent snapshot), the uploaded files, the
    instance settings without secrets and a manifest. FILE is a .tar.gz file or a folder
    (default: instance/backups); in a folder the archive is named by the time."""
    folder = file if file is not None and (file.is_dir() or not file.suffix) else None
    if file is None:
        folder = Path(current_app.instance_path) / "backups"
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / services.default_name()
    else:
        assert file is not None
        target = file
    manifest = services.backup(target)
    rows = sum(manifest["tables"].values())
    click.echo(_("Backup written: %(file)s (%(tables)d tables, %(rows)d rows, %(files)d files).",
                 file=target, tables=len(manifest["tables"]), rows=rows,
                 files=sum(name.startswith("files/") for name in manifest["checksums"])))
    if keep is not None:
        for doomed in services.rotate(target.parent, keep):
            click.echo(_("Deleted the old backup %(file)s.", file=doomed))


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace what this site already holds (every table and uploaded file).")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Restore a backup into this deployment's database and instance folder, which must be
    empty (or --force). A SQLite backup restored with a PostgreSQL DATABASE_URL moves the
    deployment up to PostgreSQL."""
    try:
        restored = services.restore(file, force=force)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(_("Restored %(rows)d rows in %(tables)d tables and %(files)d files; the search "
                 "index is rebuilt.", rows=restored.rows, tables=restored.tables,
                 files=restored.files))
    if restored.skipped:
        click.echo(_("Not restored, no plugin here has these tables: %(tables)s.",
                     tables=", ".join(restored.skipped)), err=True)
