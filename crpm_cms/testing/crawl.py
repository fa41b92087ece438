"""Finding a site's pages as a visitor does: from the home page, following its own links."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException

from crpm_cms.testing.client import Client

NOT_FOLLOWED = {"static", "users.logout"}  # files of the theme, and the way out


class Links(HTMLParser):
    """The ``href`` of every ``<a>`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def crawl(app: Flask, client: Client, limit: int = 600, start: str = "/",
          every_page: bool = False) -> dict[str, str]:
    """Follow the site's links from ``start`` as ``client``: one address (path and query) per
    route (endpoint → address), or, with ``every_page``, every address (address → address).
    At most ``limit`` pages are read; links elsewhere, to files of the theme and to sign out
    are not followed."""
    adapter = app.url_map.bind("localhost")
    queue, seen, found = deque([start]), set[str](), dict[str, str]()
    while queue and len(seen) < limit:
        parts = urlsplit(queue.popleft())
        address = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/") \
                or address in seen:
            continue
        seen.add(address)
        try:
            endpoint, _ = adapter.match(parts.path, method="GET")
        except HTTPException:  # not a page of the site
            continue
        if endpoint in NOT_FOLLOWED or (not every_page and endpoint in found):
            continue
        response = client.get(address)
        found[address if every_page else endpoint] = address
        if response.mimetype == "text/html":
            links = Links()
            links.feed(response.get_data(as_text=True))
            queue.extend(links.found)
    return found
