"""``crpm webinars …``: reminders (for cron) and the explicit deletion of the plugin's data."""

from __future__ import annotations

import click
from crpm_plugins.webinars import reminders
from crpm_plugins.webinars.models import (
    OWNER,
    FeedToken,
    ReminderSent,
    ViewerZone,
    WebinarEvent,
)
from crpm_plugins.webinars.search import KIND as SEARCH_KIND
from flask.cli import with_appcontext
from sqlalchemy import delete, select

from crpm_cms.plugin_api import db, is_enabled, record_change, registrations, site_url_option

webinars_group = click.Group("webinars", help="The calendar of webinars, forums and workshops.")


def send_reminders_now() -> str:
    """Send the due reminders (the job ``webinars.send_reminders``, run with the site's
    address for the links)."""
    return f"{reminders.send_due()} reminder(s) sent"


@webinars_group.command("send-reminders")
@with_appcontext
@site_url_option
def send_reminders() -> None:
    """Send the 24-hour and 1-hour reminders that are due (each once; safe to run every
    minute, even twice at once)."""
    if not is_enabled("webinars"):
        click.echo("Skipped: the webinars plugin is disabled.")
        return
    click.echo(send_reminders_now() + ".")


@webinars_group.command("delete-data")
@click.confirmation_option(prompt="Delete every event, registration and feed of the calendar?")
@with_appcontext
def delete_data() -> None:
    """Delete all the calendar's data (events, their registrations, feeds, reminders)."""
    event_ids = list(db.session.scalars(select(WebinarEvent.id)))
    for event_id in event_ids:
        registrations.delete_activity(OWNER, event_id)
    for model in (ReminderSent, FeedToken, ViewerZone, WebinarEvent):
        db.session.execute(delete(model))
    for event_id in event_ids:  # they leave the search index too
        record_change(SEARCH_KIND, str(event_id))
    db.session.commit()
    click.echo(f"Deleted {len(event_ids)} event(s) and their registrations.")
