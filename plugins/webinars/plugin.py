"""Hook implementations of the ``webinars`` plugin: the calendar of webinars, forums and
workshops at ``/events/``, its JSON API at ``/api/v1/events``, feeds, reminders and e-mails."""

from __future__ import annotations

from typing import Any

import click
from crpm_plugins.webinars import models  # noqa: F401  (tables known to Alembic and SQLAlchemy)
from flask import Blueprint, Flask, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from crpm_cms.hookspecs import (
    ApiPaths,
    DashboardWidget,
    Event,
    Job,
    MenuItem,
    Permission,
    SearchSource,
    hookimpl,
)
from crpm_cms.plugin_api import User

HOME_EVENTS = 4


# -- startup hooks ---------------------------------------------------------------------------------


@hookimpl
def register_blueprints(app: Flask) -> list[Blueprint]:
    from crpm_plugins.webinars import api, feed_views, manage_views, views

    for module in (manage_views, feed_views):
        module.routes.register(views.blueprint)
    return [views.blueprint, api.blueprint]


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission("webinars.register", ("member",), "Register for events; personal feed."),
        Permission("webinars.manage", ("editor", "focal_point"),
                   "Create and edit the events of one's countries, mark attendance, export "
                   "participants, see the statistics."),
    ]


@hookimpl
def register_jobs() -> list[Job]:
    from crpm_plugins.webinars.commands import send_reminders_now

    return [Job("webinars.send_reminders", send_reminders_now,
                "Send the 24-hour and 1-hour reminders that are due.", sends_links=True)]


@hookimpl
def register_search_sources() -> list[SearchSource]:
    from crpm_plugins.webinars import search

    return [search.source()]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from crpm_plugins.webinars.commands import webinars_group

    cli.add_command(webinars_group)


@hookimpl
def register_template_filters() -> dict[str, Any]:
    from crpm_plugins.webinars.timezones import clock

    from crpm_cms.plugin_api import STATE_LABELS

    def state_label(state: str) -> str:
        return str(STATE_LABELS.get(state, state))

    return {"webinar_clock": clock, "webinar_state": state_label}


@hookimpl
def load_demo_data() -> None:
    from crpm_plugins.webinars import demo

    demo.load()


# -- request hooks: enabled only -------------------------------------------------------------------


@hookimpl
def menu_items(user: User | None) -> list[MenuItem]:
    return [MenuItem(_("Events"), url_for("webinars.index"), 15, "webinars.index")]


def _account_block() -> Markup:
    from crpm_plugins.webinars import feeds, registration
    from crpm_plugins.webinars.forms import ZoneForm
    from crpm_plugins.webinars.timezones import profile_zone

    from crpm_cms.plugin_api import zone_choices

    form = ZoneForm()
    form.timezone.choices = [("", _("Automatic (my browser's time zone)")), *zone_choices()]
    form.timezone.data = profile_zone(current_user.id) or ""
    return Markup(render_template(
        "webinars/account.html", mine=registration.events_of(current_user),
        feed_url=feeds.feed_url(current_user), zone_form=form))


@hookimpl
def template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    if slot == "home_main":
        from crpm_plugins.webinars.queries import soonest

        return Markup(render_template("webinars/home.html", events=soonest(HOME_EVENTS)))
    if slot == "account_page" and current_user.is_authenticated:
        return _account_block()
    return None


@hookimpl
def dashboard_widgets(user: User) -> list[DashboardWidget]:
    from crpm_plugins.webinars.queries import soonest

    events = soonest(5)
    html = Markup(render_template("webinars/widget.html", events=events))
    return [DashboardWidget(_("Upcoming events"), html, order=40)]


@hookimpl
def openapi_paths() -> ApiPaths:
    from crpm_plugins.webinars.api import openapi_description

    return openapi_description()


# -- events: enabled only --------------------------------------------------------------------------


@hookimpl
def handle_event(event: Event) -> None:
    if event.name == "registration.changed":
        from crpm_plugins.webinars.mails import on_registration_changed

        on_registration_changed(event)
