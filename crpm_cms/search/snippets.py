"""Highlighted snippets from a record's full text, however long (no 32 KB limit).

Only words that could match are analysed: each word is lower-cased and folded (C-level string
operations) and must start like one of the query's stems before it is stemmed and compared.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup
from whoosh.support.charset import accent_map

from crpm_cms.search.analysis import WORD, terms

SURROUND = 90  # characters of context before a match
FRAGMENTS = 2
SNIPPET_CHARS = 240


def matches(text: str, stems: Iterable[str], language: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each word of ``text`` whose stem is one of ``stems``."""
    wanted = frozenset(stems)
    if not wanted:
        return []
    prefixes = tuple(stem[:3] for stem in wanted)
    found = []
    for match in WORD.finditer(text):
        folded = match.group().lower().translate(accent_map)
        if folded.startswith(prefixes) and set(terms(match.group(), language)) & wanted:
            found.append(match.span())
    return found


def _window(text: str, start: int) -> tuple[int, int]:
    begin = max(0, start - SURROUND)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < start else begin
    end = min(len(text), begin + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > start else end
    return begin, end


def _fragment(text: str, begin: int, end: int, spans: list[tuple[int, int]]) -> Markup:
    parts, cursor = [], begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        parts += [Markup.escape(text[cursor:start]), Markup("<mark>"),
                  Markup.escape(text[start:stop]), Markup("</mark>")]
        cursor = stop
    parts.append(Markup.escape(text[cursor:end]))
    return Markup("").join(parts)


def highlight(text: str, stems: Iterable[str], language: str) -> Markup | None:
    """Up to two fragments around the first matches, escaped, matches in ``<mark>``, with "…"
    wherever text is left out."""
    spans = matches(text, stems, language)
    windows: list[tuple[int, int]] = []
    for start, _stop in spans:
        if windows and start < windows[-1][1]:
            continue
        windows.append(_window(text, start))
        if len(windows) == FRAGMENTS:
            break
    if not windows:
        return None
    snippet = Markup(" … ").join(_fragment(text, begin, end, spans) for begin, end in windows)
    prefix = Markup("… ") if windows[0][0] > 0 else Markup("")
    suffix = Markup(" …") if windows[-1][1] < len(text) else Markup("")
    return prefix + snippet + suffix
