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
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import delete, select

from crpm_cms.extensions import db
from crpm_cms.registrations import services as core
from crpm_cms.search.services import record_change

webinars_group = click.Group("webinars", help="The calendar of webinars, forums and workshops.")


class MissingSiteUrl(click.ClickException):
    """Links in e-mails sent outside a request need the site's public address."""


def send_reminders_now(site_url: str | None = None) -> str:
    """Send the due reminders; links in the e-mails start with ``site_url`` (else SITE_URL)."""
    base = (site_url or current_app.config.get("SITE_URL") or "").rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise MissingSiteUrl("Set SITE_URL (CRPM_SITE_URL), the public address of the site such "
                             "as https://reseau-crpm.org, or pass --site-url: the reminders "
                             "carry links to the events.")
    with current_app.test_request_context("/", base_url=base):
        sent = reminders.send_due()
    return f"{sent} reminder(s) sent"


@webinars_group.command("send-reminders")
@click.option("--site-url", help="Public address of the site, for the links in the e-mails "
                                 "(default: the SITE_URL setting, CRPM_SITE_URL).")
@with_appcontext
def send_reminders(site_url: str | None) -> None:
    """Send the 24-hour and 1-hour reminders that are due (each once; safe to run every
    minute, even twice at once)."""
    if not current_app.extensions["crpm_plugins"].is_enabled("webinars"):
        click.echo("Skipped: the webinars plugin is disabled.")
        return
    click.echo(send_reminders_now(site_url) + ".")


@webinars_group.command("delete-data")
@click.confirmation_option(prompt="Delete every event, registration and feed of the calendar?")
@with_appcontext
def delete_data() -> None:
    """Delete all the calendar's data (events, their registrations, feeds, reminders)."""
    event_ids = list(db.session.scalars(select(WebinarEvent.id)))
    for event_id in event_ids:
        core.delete_activity(OWNER, event_id)
    for model in (ReminderSent, FeedToken, ViewerZone, WebinarEvent):
        db.session.execute(delete(model))
    for event_id in event_ids:  # they leave the search index too
        record_change(SEARCH_KIND, str(event_id))
    db.session.commit()
    click.echo(f"Deleted {len(event_ids)} event(s) and their registrations.")
