"""``crpm training …``: the plugin's commands, for administrators and cron."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from crpm_cms.plugin_api import is_enabled, registrations, site_url_option

training_group = click.Group("training", help="Trainings, applications and coaching.")


def expire_offers() -> str:
    """Expire the seat offers past their date and pass each seat to the next person waiting.

    A wrapper of the core service's ``expire_offers``, which is idempotent and safe to run
    twice at once; each expiry and each promotion sends its e-mail (``handle_event``).
    """
    count = registrations.expire_offers()
    return f"{count} offer(s) expired."


@training_group.command("expire-offers")
@with_appcontext
@site_url_option
def expire_offers_command() -> None:
    """Expire unconfirmed seat offers (idempotent; run it from cron, e.g. every 15 minutes)."""
    if not is_enabled("training"):
        click.echo("The training plugin is disabled: nothing done.")
        return
    click.echo(expire_offers())
