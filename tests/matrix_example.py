"""Permission-matrix rows of the throwaway example plugin (tests/plugin_package), checked when
it is installed and loaded."""

from __future__ import annotations

LOGIN = 302

ROWS = [
    ("example.index", "GET", "/example/", {}, (200,) * 6),
    ("example.static", "GET", "/example/static/example.css", {}, (200,) * 6),
    ("example.add", "POST", "/example/", {"text": "Bonjour"}, (LOGIN, 403, 302, 302, 403, 302)),
    ("example_api.api_notes", "GET", "/api/v1/example-notes", {}, (200,) * 6),
]
