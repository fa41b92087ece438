"""``crpm indicators …``: reload the catalogue files, import a spreadsheet from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from crpm_plugins.indicators import services
from crpm_plugins.indicators.catalogue import CatalogueError, load_catalogue
from crpm_plugins.indicators.upload import FileRefused, plan_upload
from flask.cli import with_appcontext

indicators_group = click.Group("indicators", help="Policy-monitoring indicators.")


@indicators_group.command("load")
@with_appcontext
def load() -> None:
    """Load the frameworks and indicator definitions (shipped and instance/indicators/*.json)."""
    try:
        counts = load_catalogue()
    except CatalogueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{counts['frameworks']} framework(s), {counts['indicators']} indicator(s) loaded.")


@indicators_group.command("import")
@click.argument("code")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every cell and report; write nothing.")
@with_appcontext
def import_values(code: str, path: Path, dry_run: bool) -> None:
    """Import an XLSX template or an Open SDG CSV file of indicator CODE (all countries)."""
    indicator = services.indicator_by_code(code)
    if indicator is None or indicator.computed:
        raise click.ClickException(f"No indicator {code!r} takes values; see /indicators/.")
    try:
        plan = plan_upload(indicator, path.read_bytes(), None)
    except FileRefused as error:
        raise click.ClickException(str(error)) from None
    for problem in plan.problems:
        click.echo(f"row {problem.row}, column {problem.column}: {problem.reason}", err=True)
    if not plan.clean:
        raise click.ClickException(f"{len(plan.problems)} problem(s); nothing was imported.")
    if dry_run:
        click.echo(f"{len(plan.entries)} value(s) checked; nothing written (--dry-run).")
        return
    result = services.save_entries(indicator, plan.entries, None)
    click.echo(f"{result.added} added, {result.changed} changed, {result.unchanged} unchanged.")
