"""Emitting events to the enabled plugins (and the core) through ``handle_event``."""

from __future__ import annotations

from flask import current_app

from crpm_cms.hookspecs import Event


def emit(event: Event) -> None:
    current_app.extensions["crpm_plugins"].enabled_hook("handle_event")(event=event)
