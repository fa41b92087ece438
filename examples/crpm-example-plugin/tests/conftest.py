"""Only this plugin is loaded in its tests: ``crpm init`` migrates and indexes nothing else, and
another plugin installed in the same environment cannot change what the tests see."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def crpm_config() -> dict[str, Any]:
    return {"PLUGINS": ["hello"]}
