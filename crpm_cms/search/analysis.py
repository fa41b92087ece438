"""What a user typed, made safe; and how French and English text becomes index terms.

A query is words, "quoted phrases" and -excluded words, nothing else: any other syntax (fields,
wildcards, brackets, SQL, tsquery operators) is read as plain words, so it can neither reach a
field the user may not query nor fail. Queries are bounded in length and number of terms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Letters and digits; an apostrophe (' or ’) ends a word, so "l’éducation" gives "l", "éducation"
# and the elided article is then dropped as a stop word.
WORD = re.compile(r"\w+", re.UNICODE)
ELISIONS = frozenset({"c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu",
                      "quoiqu"})
FRENCH_EXTRA_STOP_WORDS = frozenset({"les", "aux", "ces", "cette", "entre"})  # not in Snowball's
QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"'})
TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


def _analyzer(language: str) -> Analyzer:
    """Tokenise, lower-case, drop stop words, fold accents, then stem: folding *before* stemming
    makes "securite" and "sécurité" reach the same stem."""
    extra = ELISIONS | FRENCH_EXTRA_STOP_WORDS if language == "fr" else frozenset()
    stop = frozenset(stopwords_for_language(language)) | extra
    return (RegexTokenizer(WORD) | LowercaseFilter() | StopFilter(stoplist=stop, minsize=1)
            | CharsetFilter(accent_map) | StemFilter(lang=language, cachesize=50000))


@cache
def analyzer(language: str) -> Analyzer:
    """The index analyzer for ``fr`` (default) or ``en`` text."""
    return _analyzer("en" if language == "en" else "fr")


@cache
def spelling_analyzer() -> Analyzer:
    """Whole words, lower-cased and folded: what a spelling suggestion can propose."""
    return RegexTokenizer(WORD) | LowercaseFilter() | CharsetFilter(accent_map)


def terms(text: str, language: str) -> list[str]:
    """The index terms of ``text`` analysed in ``language``, in order."""
    return [token.text for token in analyzer(language)(text)]


@dataclass(frozen=True)
class UserQuery:
    """A parsed query: each word and phrase must match, excluded words must not."""

    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)

    def text(self) -> str:
        """The query written back in the only syntax we accept (for the search box)."""
        parts = [*self.words, *(f'"{" ".join(phrase)}"' for phrase in self.phrases),
                 *(f"-{word}" for word in self.excluded)]
        return " ".join(parts)


def parse(raw: str | None) -> UserQuery:
    """Read what a user typed; anything malformed becomes plain words, never an error."""
    text = unicodedata.normalize("NFC", (raw or "")[:MAX_QUERY_LENGTH]).translate(QUOTES)
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    budget = MAX_TERMS
    for match in TOKEN.finditer(text):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3) or ""
        if phrase is not None:
            found = tuple(WORD.findall(phrase))[:budget]
            target = excluded if negated else None
            if target is not None:
                target.extend(found)
            elif len(found) > 1:
                phrases.append(found)
            else:
                words.extend(found)
        else:
            negated = bare.startswith("-") and len(bare) > 1
            found = tuple(WORD.findall(bare))[:budget]
            (excluded if negated else words).extend(found)
        budget = MAX_TERMS - len(words) - len(excluded) - sum(map(len, phrases))
        if budget <= 0:
            break
    return UserQuery(tuple(words), tuple(phrases), tuple(excluded))
