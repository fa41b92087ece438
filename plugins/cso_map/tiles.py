"""The optional tile server (``MAP_TILES_URL``): checked at start, and the one origin the
Content-Security-Policy then allows for images on the map page.

Without it the map draws only the country outlines shipped with the plugin, which suits offline
deployments and slow links; with it the browser falls back to the outlines when tiles fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from crpm_cms.plugin_api import ConfigError

PLACEHOLDERS = ("{z}", "{x}", "{y}")


def check_tiles_url(url: str | None) -> None:
    """Stop the start with a clear message when ``MAP_TILES_URL`` cannot be a tile template."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or \
            not all(placeholder in url for placeholder in PLACEHOLDERS) or \
            any(character in url for character in " \"'<>;"):
        raise ConfigError(
            "MAP_TILES_URL (CRPM_MAP_TILES_URL) must be an http(s) tile address with {z}, {x} "
            f"and {{y}}, such as https://tiles.example.org/{{z}}/{{x}}/{{y}}.png, not {url!r}.")


def tile_origin(url: str) -> str:
    """The CSP source for the tile server: its origin, with ``{s}`` subdomains as ``*``."""
    parts = urlsplit(url)
    host = parts.netloc.replace("{s}.", "*.").replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def tile_settings(config: Mapping[str, Any]) -> dict[str, str] | None:
    """What the map page hands to its script, or ``None`` when no tile server is configured."""
    url = config.get("MAP_TILES_URL")
    if not url:
        return None
    return {"url": url, "attribution": config.get("MAP_TILES_ATTRIBUTION") or ""}
