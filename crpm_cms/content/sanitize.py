"""The one gate for editors' HTML: nh3 (ammonia) with an explicit allow-list.

Everything an editor saves, through the form or the API, passes through ``sanitize_html`` before
it is stored, so a page can print ``body_html`` as it is.
"""

from __future__ import annotations

import re

import nh3

TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption",
    "img", "code", "pre",
}
# "*": none: without it ammonia would also keep ``lang`` and ``title`` on every tag.
ATTRIBUTES = {"*": set(), "a": {"href"}, "img": {"src", "alt"}, "th": {"colspan", "rowspan"},
              "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed with everything inside them, not only their tags.
CONTENT_TAGS = {"script", "style", "template", "iframe", "object", "embed", "noscript", "svg",
                "math", "title", "textarea", "select", "xmp", "noembed", "noframes"}
# Images only from this site's own uploads: the names ``uploads.save_image`` generates.
LOCAL_IMAGE = re.compile(r"/content/images/[0-9a-f]{32}(?:-\d{2,4})?\.png")
SPAN = re.compile(r"[1-9][0-9]?")
# An <img> as html5ever serialises it: attribute values in double quotes, with " escaped.
SERIALISED_IMG = re.compile(r'<img((?:\s+[\w:-]+="[^"]*")*)\s*/?>')
ALT = re.compile(r'\salt="\s*[^"\s][^"]*"')
SRC = re.compile(r'\ssrc="[^"]+"')


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep an image source only when it is one of our uploads, and table spans when small."""
    if tag == "img" and attribute == "src":
        return value if LOCAL_IMAGE.fullmatch(value) else None
    if attribute in ("colspan", "rowspan"):
        return value if SPAN.fullmatch(value.strip()) else None
    return value


def _drop_unusable_images(html: str) -> str:
    """An image without a source of ours or without alt text is removed altogether."""
    def keep(match: re.Match[str]) -> str:
        attributes = match.group(1)
        return match.group(0) if SRC.search(attributes) and ALT.search(attributes) else ""

    return SERIALISED_IMG.sub(keep, html)


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to the allowed tags and attributes; safe to print as it is."""
    cleaned = nh3.clean(
        html or "",
        tags=TAGS,
        clean_content_tags=CONTENT_TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _drop_unusable_images(cleaned).strip()
