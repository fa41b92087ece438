"""Permission-matrix rows of the search pages (core): everyone may search; what each one finds
is checked in tests/test_search_access.py."""

from __future__ import annotations

EVERYONE = (200,) * 6

ROWS = [
    ("search.index", "GET", "/search", {}, EVERYONE),
    ("search.index", "GET", "/search?q=migration&country=SN&page=2", {}, EVERYONE),
    ("search.static", "GET", "/search/static/search.css", {}, EVERYONE),
    ("api.search", "GET", "/api/v1/search?q=migration&lang=fr", {}, EVERYONE),
]
