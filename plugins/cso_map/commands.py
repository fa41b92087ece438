"""``crpm cso_map …``: import a spreadsheet, run the yearly confirmation campaign, delete the
plugin's data."""

from __future__ import annotations

from pathlib import Path

import click
from crpm_plugins.cso_map import importing, verification
from crpm_plugins.cso_map.import_rows import ImportFileError
from crpm_plugins.cso_map.models import (
    Place,
    Profile,
    ProfileTargetGroup,
    Proposal,
    VerificationReminder,
)
from crpm_plugins.cso_map.search import record_map_change
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import delete, select

from crpm_cms.plugin_api import db, site_url_option

cso_map_group = click.Group("cso_map", help="The CSO map: import, yearly confirmation, data.")


@cso_map_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@with_appcontext
def import_command(file: Path, dry_run: bool) -> None:
    """Import organisations and places from FILE (CSV or XLSX) with the columns
    name,acronym,kind,country,city,latitude,longitude,precision,themes,website,email,
    identifier_scheme,identifier. Any invalid row: nothing is written."""
    try:
        plan = importing.plan_import(file.name, file.read_bytes())
    except ImportFileError as error:
        raise click.ClickException(str(error)) from None
    if plan.problems:
        for problem in plan.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(_("Nothing was imported: %(count)s problem(s) to correct in "
                                     "the file.", count=len(plan.problems)))
    if dry_run:
        click.echo(_("Dry run: %(created)s organisation(s) would be created, %(updated)s "
                     "updated. Nothing was written.", created=plan.created, updated=plan.updated))
        return
    importing.run_import(plan, None)
    click.echo(_("Imported: %(created)s new organisation(s), %(updated)s updated.",
                 created=plan.created, updated=plan.updated))


@cso_map_group.command("remind-verification")
@with_appcontext
@site_url_option
def remind_verification() -> None:
    """E-mail each organisation whose record is older than a year a signed link to confirm or
    correct it. Running it again the same year sends nothing twice."""
    click.echo(str(verification.send_reminders()))


@cso_map_group.command("delete-data")
@click.option("--yes", is_flag=True, help="Confirm that every place, directory field, proposal "
                                          "and reminder of the map is to be deleted.")
@with_appcontext
def delete_data(yes: bool) -> None:
    """Delete the map's own data (the core's organisations stay). Disabling the plugin does not
    do this; this command is the only way."""
    if not yes:
        raise click.ClickException(_("This deletes every place, directory field, proposal and "
                                     "reminder of the map. Run it again with --yes."))
    mapped = set(db.session.scalars(select(Place.organisation_id))) | set(
        db.session.scalars(select(Profile.organisation_id)))
    for organisation_id in mapped:  # their records leave the search index
        record_map_change(organisation_id)
    for model in (ProfileTargetGroup, Profile, Place, Proposal, VerificationReminder):
        db.session.execute(delete(model))
    db.session.commit()
    click.echo(_("The map's data has been deleted."))
