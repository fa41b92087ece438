"""Security headers, safe redirects, and submitted text without control characters."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit

from flask import Flask, Request, Response, request
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.formparser import FormDataParser

from crpm_cms.plugin_system.services import registry

CSP_DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
# A source a plugin adds: a host or scheme source, never anything that could end the directive.
CSP_SOURCE = re.compile(r"^[A-Za-z0-9*][A-Za-z0-9*.:/_\-]*$")
CSP_DIRECTIVE = re.compile(r"^[a-z-]+$")


def policy_text(directives: Mapping[str, Sequence[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


CONTENT_SECURITY_POLICY = policy_text(CSP_DIRECTIVES)


def content_security_policy() -> str:
    """The core policy plus what enabled plugins allow for this page (``extra_csp_sources``)."""
    try:
        answers = registry().values("extra_csp_sources", enabled_only=True,
                                    endpoint=request.endpoint)
    except SQLAlchemyError:  # the database is down: the error page keeps the strict policy
        return CONTENT_SECURITY_POLICY
    directives = {name: list(sources) for name, sources in CSP_DIRECTIVES.items()}
    for answer in answers:
        for name, sources in answer.items():
            if not CSP_DIRECTIVE.match(name):
                continue
            wanted = directives.setdefault(name, [])
            wanted += [source for source in sources
                       if CSP_SOURCE.match(source) and source not in wanted]
    return policy_text(directives)


def add_security_headers(response: Response) -> Response:
    # Only pages need the plugins' additions; files and JSON keep the fixed policy (no query).
    is_page = response.mimetype == "text/html" and request.endpoint is not None
    response.headers.setdefault("Content-Security-Policy",
                                content_security_policy() if is_page else CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def safe_next_url(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, otherwise ``fallback`` (no open redirects)."""
    if not target:
        return fallback
    target = target.replace("\\", "/").strip()
    if not target.isprintable():  # a line break would make the Location header fail
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


# NUL and the other C0 control characters but tab and line breaks: none belongs in typed text,
# and PostgreSQL refuses to store a NUL (a form holding one would fail on save).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


MAX_JSON_DEPTH = 20  # the API's bodies are two levels deep; 1,000 would overflow Python's stack
TOO_DEEP = object()


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and objects nest in ``value``, counted up to ``limit + 1`` at most."""
    depth, level = 0, [value]
    while level and depth <= limit:
        level = [item for node in level if isinstance(node, list | dict)
                 for item in (node.values() if isinstance(node, dict) else node)]
        depth += 1
    return depth - 1 if not level else depth


def without_control_characters(value: Any) -> Any:
    """``value`` with control characters removed from its strings, nested ones included."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, list):
        return [without_control_characters(item) for item in value]
    if isinstance(value, dict):
        return {key: without_control_characters(item) for key, item in value.items()}
    return value


def cleaned_pairs(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Submitted ``(name, value)`` pairs, their values without control characters."""
    return ((name, CONTROL_CHARACTERS.sub("", value)) for name, value in pairs)


class CleanFormDataParser(FormDataParser):
    """Form fields are cleaned once, as they are parsed, so no form or view sees a NUL."""

    def parse(self, stream: IO[bytes], mimetype: str, content_length: int | None,
              options: dict[str, str] | None = None) -> tuple[IO[bytes], MultiDict[str, Any],
                                                                MultiDict[str, Any]]:
        stream, form, files = super().parse(stream, mimetype, content_length, options)
        return stream, self.cls(cleaned_pairs(form.items(multi=True))), files


class CleanRequest(Request):
    """What a visitor sends, as query arguments, form fields or a JSON body, holds no control
    characters: one rule for every page, form and API of the core and the plugins."""

    form_data_parser_class = CleanFormDataParser

    @cached_property
    def args(self) -> MultiDict[str, str]:
        """Werkzeug's parsing (invalid bytes stay percent-encoded), then the cleaning."""
        pairs = parse_qsl(self.query_string.decode(), keep_blank_values=True,
                          errors="werkzeug.url_quote")
        return self.parameter_storage_class(cleaned_pairs(pairs))

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """The JSON body, cleaned; one nested deeper than ``MAX_JSON_DEPTH`` is a 400."""
        try:
            value = super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            value = TOO_DEEP
        if value is TOO_DEEP or json_depth(value) > MAX_JSON_DEPTH:
            if silent:
                return None
            raise BadRequest(_("The JSON body is nested more than %(depth)d levels deep.",
                               depth=MAX_JSON_DEPTH))
        return without_control_characters(value)


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest
    app.after_request(add_security_headers)
