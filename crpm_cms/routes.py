"""Routes a plugin's views module declares and its plugin adds to a blueprint, explicitly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint

View = TypeVar("View", bound=Callable[..., Any])


class Routes:
    """Route decorators like a blueprint's, that add nothing until ``register(blueprint)``.

    A plugin whose pages span several modules keeps one blueprint (one URL prefix, one set of
    endpoint names) and lists the modules in ``register_blueprints``: a module's pages exist
    because the plugin registers them, never because something happened to import the module.
    """

    def __init__(self) -> None:
        self.rules: list[tuple[str, Callable[..., Any], dict[str, Any]]] = []
        self.registered_on: set[str] = set()

    def route(self, rule: str, **options: Any) -> Callable[[View], View]:
        def declare(view: View) -> View:
            self.rules.append((rule, view, options))
            return view

        return declare

    def get(self, rule: str, **options: Any) -> Callable[[View], View]:
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options: Any) -> Callable[[View], View]:
        return self.route(rule, methods=["POST"], **options)

    def register(self, blueprint: Blueprint) -> None:
        """Add the routes to ``blueprint``, once: apps built later in the process reuse it."""
        if blueprint.name in self.registered_on:
            return
        for rule, view, options in self.rules:
            blueprint.add_url_rule(rule, view_func=view, **options)
        self.registered_on.add(blueprint.name)
