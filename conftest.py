"""This repository's test setup, for tests/ and plugins/*/tests/; the fixtures come from the test
kit, crpm_cms.testing."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

import pytest

pytest_plugins = ["crpm_cms.testing.browser"]  # the browser journeys, core's and plugins'

OWN_PACKAGES = ("crpm_plugins.", "crpm_example_plugin.")  # built-in plugins, all-hooks fixture


@pytest.fixture(scope="session")
def crpm_config() -> dict[str, Any]:
    """Only this repository's plugins, whatever else is installed (the example plugin of
    examples/, say): the suite sees the same site on every machine."""
    return {"PLUGINS": sorted(entry.name for entry in entry_points(group="crpm_cms.plugins")
                              if entry.value.startswith(OWN_PACKAGES))}
