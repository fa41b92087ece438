"""Plugins reach the core only through its declared API, and never reach each other.

A module under ``plugins/`` (or the example plugin) may import ``crpm_cms.plugin_api`` and
``crpm_cms.hookspecs``; its tests may also import the test kit, ``crpm_cms.testing``, and never
the core's own tests (``tests.*``), which are not installed. A ``bench.py`` gets the rest from
the benchmark harness, ``bench/run.py``.
Anything else in ``crpm_cms`` may change without notice: importing it is a defect this names.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest
from flask import Flask

from crpm_cms.routes import Routes

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_FOLDERS = [ROOT / "plugins", ROOT / "examples"]
PLUGIN_API = ("crpm_cms.plugin_api", "crpm_cms.hookspecs")
TEST_KIT = "crpm_cms.testing"


def imported_modules(source: str) -> list[tuple[int, str]]:
    """``(line, module)`` of every import, ``from crpm_cms import x`` read as ``crpm_cms.x``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module in ("crpm_cms", "crpm_plugins"):
                found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def refusals(source: str, plugin: str, is_test: bool) -> list[str]:
    """Why each import of this source breaks the boundary (empty when it keeps it)."""
    allowed = (*PLUGIN_API, TEST_KIT) if is_test else PLUGIN_API
    wrong = []
    for line, module in imported_modules(source):
        if is_within(module, "crpm_cms") and not any(is_within(module, a) for a in allowed):
            wrong.append(f"line {line}: {module} is not part of the plugin API")
        if is_within(module, "crpm_plugins") and not is_within(module, f"crpm_plugins.{plugin}"):
            wrong.append(f"line {line}: {module} belongs to another plugin")
        if is_within(module, "tests"):
            wrong.append(f"line {line}: {module} is one of the core's tests, not installed")
    return wrong


def plugin_modules() -> list[tuple[Path, str, bool]]:
    """Every Python file of every plugin, with its plugin's package name and test flag."""
    modules = []
    for folder in PLUGIN_FOLDERS:
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).parts
            if "migrations" in parts:
                continue
            plugin = parts[0] if folder.name == "plugins" else ""
            is_test = "tests" in parts or path.name == "conftest.py"
            modules.append((path, plugin, is_test))
    return modules


def test_plugins_import_the_core_only_through_its_api() -> None:
    problems = [f"{path.relative_to(ROOT)} {why}"
                for path, plugin, is_test in plugin_modules()
                for why in refusals(path.read_text(encoding="utf-8"), plugin, is_test)]
    assert plugin_modules(), "no plugin module found"
    assert not problems, "imports past the plugin API:\n" + "\n".join(problems)


@pytest.mark.parametrize(("source", "is_test", "refused"), [
    ("from crpm_cms.plugin_api import db, can", False, False),
    ("from crpm_cms.hookspecs import hookimpl", False, False),
    ("from crpm_cms import plugin_api", False, False),
    ("from crpm_plugins.webinars.models import WebinarEvent", False, False),
    ("from crpm_cms.extensions import db", False, True),
    ("from crpm_cms import extensions", False, True),
    ("import crpm_cms.users.models", False, True),
    ("def f():\n    from crpm_cms.organisations.views import page_number", False, True),
    ("from crpm_plugins.training.models import Training", False, True),
    ("from crpm_cms.testing import sign_in", False, True),
    ("from crpm_cms.testing import sign_in", True, False),
    ("from crpm_cms.testing.client import Client", True, False),
    ("from tests.test_webinars import add_event", True, True),
    ("from tests.files.library import add_document", False, True),
    ("from crpm_cms.testing import accounts", False, True),  # e.g. in a plugin's bench.py
])
def test_the_boundary_check_names_what_it_should(source: str, is_test: bool,
                                                  refused: bool) -> None:
    assert bool(refusals(source, "webinars", is_test)) is refused


def test_every_views_module_of_a_plugin_is_registered(app: Flask) -> None:
    """A module declaring ``routes = Routes()`` that its plugin forgot to list in
    ``register_blueprints`` would have no pages, silently: this names it."""
    import crpm_plugins

    forgotten = []
    for module_info in pkgutil.walk_packages(crpm_plugins.__path__, "crpm_plugins."):
        if any(part in module_info.name.split(".") for part in ("tests", "migrations", "bench")):
            continue
        module = importlib.import_module(module_info.name)
        routes = getattr(module, "routes", None)
        if isinstance(routes, Routes) and routes.rules and not routes.registered_on:
            forgotten.append(module_info.name)
    assert not forgotten, f"views modules no plugin registers: {forgotten}"
