"""``crpm training …``: the plugin's commands, for administrators and cron."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from crpm_cms.registrations import services as registrations

training_group = click.Group("training", help="Trainings, applications and coaching.")


def expire_offers() -> str:
    """Expire the seat offers past their date and pass each seat to the next person waiting.

    A wrapper of the core service's ``expire_offers``, which is idempotent and safe to run
    twice at once; each expiry and each promotion sends its e-mail (``handle_event``).
    """
    count = registrations.expire_offers()
    return f"{count} offer(s) expired."


@training_group.command("expire-offers")
@click.option("--site-url", help="Public address of the site, for the links in the e-mails "
                                 "(default: the SITE_URL setting, CRPM_SITE_URL).")
@with_appcontext
def expire_offers_command(site_url: str | None) -> None:
    """Expire unconfirmed seat offers (idempotent; run it from cron, e.g. every 15 minutes)."""
    if not current_app.extensions["crpm_plugins"].is_enabled("training"):
        click.echo("The training plugin is disabled: nothing done.")
        return
    if site_url and not site_url.startswith(("http://", "https://")):
        raise click.ClickException("--site-url is an address such as https://reseau-crpm.org.")
    if site_url:
        with current_app.test_request_context("/", base_url=site_url.rstrip("/")):
            click.echo(expire_offers())
        return
    click.echo(expire_offers())
