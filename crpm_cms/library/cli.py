"""``crpm library …``: bulk import of documents from a CSV manifest."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

library_group = click.Group("library", help="The document library.")


@library_group.command("import")
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the manifest and report; write nothing.")
@with_appcontext
def import_command(manifest: Path, dry_run: bool) -> None:
    """Import the documents listed in MANIFEST.csv (file,title,summary,type,countries,themes,
    language,year,access). Any invalid row: nothing is written. Files already present are
    skipped."""
    from crpm_cms.library import importing

    plan = importing.plan_import(manifest.resolve())
    if plan.problems:
        for problem in plan.problems:
            click.echo(problem, err=True)
        click.echo(_("Nothing was imported: %(count)s problem(s) to correct in the manifest.",
                     count=len(plan.problems)), err=True)
        raise SystemExit(1)
    for row in plan.rows:
        if row.existing is not None:
            click.echo(_("row %(row)s: already present as “%(title)s” (%(slug)s)",
                         row=row.number, title=row.existing.title, slug=row.existing.slug))
        elif dry_run:
            click.echo(_("row %(row)s: would be created: “%(title)s”", row=row.number,
                         title=row.data.title))
    new = sum(1 for row in plan.rows if row.existing is None)
    present = len(plan.rows) - new
    if dry_run:
        click.echo(_("Dry run: %(new)s document(s) would be created, %(present)s already "
                     "present. Nothing was written.", new=new, present=present))
        return
    try:
        added = importing.run_import(plan)
    except importing.ImportFailed as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    for row, document in added:
        click.echo(_("row %(row)s: created “%(title)s” (%(slug)s)", row=row.number,
                     title=document.title, slug=document.slug))
    click.echo(_("%(new)s document(s) created, %(present)s already present.",
                 new=len(added), present=present))
