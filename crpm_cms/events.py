"""Emitting events to the enabled plugins (and the core) through ``handle_event``."""

from __future__ import annotations

from crpm_cms.hookspecs import Event
from crpm_cms.plugin_system.services import registry


def emit(event: Event) -> None:
    """Call ``handle_event`` on the core and the enabled plugins, in the caller's transaction.

    A handler that raises is logged and skipped: the change the event tells about is made (or
    about to be committed), and a plugin's reaction to it must not undo it or answer a 500.
    """
    registry().answers("handle_event", enabled_only=True, isolated=True, event=event)
