"""Hook implementations of the ``indicators`` plugin."""

from __future__ import annotations

import click
from crpm_plugins.indicators import services
from crpm_plugins.indicators.models import Indicator, IndicatorValue
from flask import Blueprint, Flask, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select

from crpm_cms.hookspecs import (
    ApiPaths,
    MenuItem,
    Permission,
    SearchSource,
    hookimpl,
)
from crpm_cms.plugin_api import User, db

# -- startup -------------------------------------------------------------------------------------


@hookimpl
def register_blueprints(app: Flask) -> list[Blueprint]:
    from crpm_plugins.indicators import api, manage_views, views

    manage_views.routes.register(views.blueprint)
    return [views.blueprint, api.blueprint]


@hookimpl
def register_permissions() -> list[Permission]:
    return [Permission(services.ENTER, ("focal_point",),
                       "Enter indicator values and reporting statuses for the focal point's "
                       "countries.")]


@hookimpl
def register_search_sources() -> list[SearchSource]:
    from crpm_plugins.indicators import search

    return [search.source()]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from crpm_plugins.indicators.commands import indicators_group

    cli.add_command(indicators_group)


@hookimpl
def load_reference_data() -> None:
    from crpm_plugins.indicators.catalogue import load_catalogue

    load_catalogue()


@hookimpl
def load_demo_data() -> None:
    from crpm_plugins.indicators.demo import load_demo_values

    load_demo_values()


# -- pages ---------------------------------------------------------------------------------------


@hookimpl
def menu_items(user: User | None) -> list[MenuItem]:
    return [MenuItem(_("Indicators"), url_for("indicators.index"), 40, "indicators.index")]


@hookimpl
def template_slot(slot: str) -> Markup | None:
    """The home page block: how many indicators, countries reporting, the latest update."""
    if slot != "home_main":
        return None
    indicators = db.session.scalar(select(func.count()).select_from(Indicator)) or 0
    reporting = db.session.scalar(select(func.count(func.distinct(IndicatorValue.country_code))))
    latest = db.session.execute(
        select(Indicator, IndicatorValue.country_code, IndicatorValue.period)
        .join(IndicatorValue, IndicatorValue.indicator_id == Indicator.id)
        .order_by(IndicatorValue.updated_at.desc(), IndicatorValue.id.desc()).limit(1)).first()
    return Markup(render_template("indicators/home_block.html", indicators=indicators,
                                  reporting=reporting or 0, latest=latest,
                                  countries=services.country_map()))


# -- search (every loaded plugin: the core leaves a disabled plugin's records out of results) ---


@hookimpl
def openapi_paths() -> ApiPaths:
    from crpm_plugins.indicators.openapi import api_paths

    return api_paths()
