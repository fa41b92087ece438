"""Permission-matrix rows of the throwaway example plugin's JSON API (loaded with the plugin)."""

from __future__ import annotations

ROWS = [
    ("example_api.api_notes", "GET", "/api/v1/example-notes", {}, (200,) * 6),
]
