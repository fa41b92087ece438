"""Hook implementations of the ``training`` plugin: trainings, study visits, professional
exchanges and coaching, with applications, seats and waitlists from the core registrations
service, e-mails at every step, attendance and certificates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from crpm_plugins.training import (
    dates,
    mails,
    models,  # noqa: F401  (tables known to the metadata)
    search,
    services,
)
from flask import Blueprint, Flask, current_app, render_template, url_for
from flask_babel import gettext as _
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
from crpm_cms.plugin_api import ACTION_LABELS, STATE_LABELS, User, db

# -- startup hooks -------------------------------------------------------------------------------


@hookimpl
def register_blueprints(app: Flask) -> list[Blueprint]:
    from crpm_plugins.training import (
        api,
        coaching_views,
        export_views,
        manage_views,
        review_views,
        views,
    )

    for module in (manage_views, review_views, coaching_views, export_views):
        module.routes.register(views.blueprint)
    return [views.blueprint, api.blueprint]


@hookimpl
def register_permissions() -> list[Permission]:
    return [
        Permission("training.apply", ("member",),
                   "Apply to trainings and book coaching slots."),
        Permission("training.manage", ("focal_point",),
                   "Create and edit the trainings and coaching slots of one's countries."),
        Permission("training.review", ("focal_point",),
                   "Review the applications of one's countries, record attendance, certify."),
    ]


@hookimpl
def register_jobs() -> list[Job]:
    from crpm_plugins.training.commands import expire_offers

    return [Job("training.expire_offers", expire_offers,
                "Expire unconfirmed seat offers and offer the seats to the waiting list.",
                sends_links=True)]


@hookimpl
def register_search_sources() -> list[SearchSource]:
    return [search.source()]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from crpm_plugins.training.commands import training_group

    cli.add_command(training_group)


@hookimpl
def register_template_filters() -> dict[str, Callable[..., Any]]:
    return {"training_time": dates.local_datetime, "training_date": dates.local_date,
            "training_state": lambda state: STATE_LABELS.get(state, state),
            "training_action": lambda action: ACTION_LABELS.get(action, action)}


@hookimpl
def load_demo_data() -> None:
    from crpm_plugins.training.demo import load

    load()


# -- request hooks: enabled only -----------------------------------------------------------------


@hookimpl
def menu_items(user: User | None) -> list[MenuItem]:
    return [MenuItem(_("Trainings"), url_for("training.index"), 40, "training.index")]


@hookimpl
def template_slot(slot: str, context: dict[str, Any]) -> Markup | None:
    if slot != "home_main":
        return None
    trainings = services.upcoming_or_open(3)
    if not trainings:
        return None
    return Markup(render_template("training/home_slot.html", trainings=trainings,
                                  seats_left=services.seats_left(trainings)))


@hookimpl
def dashboard_widgets(user: User) -> list[DashboardWidget]:
    from crpm_plugins.training.applications import waiting_review

    waiting = waiting_review()
    html = Markup(render_template("training/dashboard.html", waiting=waiting))
    return [DashboardWidget(_("Trainings: applications to review"), html, order=40)]


@hookimpl
def openapi_paths() -> ApiPaths:
    from crpm_plugins.training.api import openapi_paths as paths

    return paths()


# -- events: enabled only ------------------------------------------------------------------------


@hookimpl
def handle_event(event: Event) -> None:
    """E-mail the person about each change of their application or booking. The change is
    committed already: a failing e-mail is logged, it must not turn the answer into an error."""
    if event.name != "registration.changed":
        return
    try:
        mails.handle_registration_event(event.payload)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("training: no e-mail for %r", event.payload)
