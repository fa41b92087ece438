"""French is the default and English complete: every message is translated, none is fuzzy,
the compiled catalogue is current, and templates hold no unmarked user-visible text."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES_WITH_CATALOGUE = ["fr"]  # English is the source language of the messages
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
TEMPLATE_DIRS = [ROOT / "crpm_cms", ROOT / "themes", ROOT / "plugins"]
VISIBLE_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}
LETTERS = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
# Each catalogue and the source folders whose messages it must translate: the core's (with the
# themes), then one per built-in plugin, which ships its own (see docs/plugins/writing.md).
CATALOGUES = {"core": (ROOT / "crpm_cms" / "translations", ("crpm_cms", "themes"))} | {
    folder.name: (folder / "translations", (f"plugins/{folder.name}",))
    for folder in sorted((ROOT / "plugins").iterdir()) if (folder / "translations").is_dir()
}
CASES = [(name, language) for name in CATALOGUES for language in LANGUAGES_WITH_CATALOGUE]


def extracted_messages(folders: tuple[str, ...]) -> set[str]:
    method_map = [(f"{folder}/**{pattern}", method) for folder in folders for pattern, method in (
        (".py", "python"), ("/templates/**.html", "jinja2"), ("/templates/**.txt", "jinja2"))]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, keywords=KEYWORDS, options_map={"**.html": {}, "**.txt": {}}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(name: str, language: str):  # type: ignore[no-untyped-def]
    path = CATALOGUES[name][0] / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize(("name", "language"), CASES)
def test_every_message_is_translated_and_none_is_fuzzy(name: str, language: str) -> None:
    messages = catalogue(name, language)
    missing = sorted(extracted_messages(CATALOGUES[name][1]) - {
        m.id if isinstance(m.id, str) else m.id[0] for m in messages if m.id})
    assert not missing, f"{len(missing)} message(s) missing from {name}/{language}: {missing[:20]}"
    untranslated = [m.id for m in messages if m.id and not all(
        m.string if isinstance(m.string, tuple) else [m.string])]
    assert not untranslated, f"untranslated in {name}/{language}: {untranslated[:20]}"
    fuzzy = [m.id for m in messages if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy in {name}/{language}: {fuzzy[:20]}"


@pytest.mark.parametrize(("name", "language"), CASES)
def test_compiled_catalogue_matches_the_po_file(name: str, language: str) -> None:
    folder = CATALOGUES[name][0] / language / "LC_MESSAGES"
    def key(message_id: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
        return message_id if isinstance(message_id, str) else tuple(message_id)

    def value(string: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
        return string if isinstance(string, str) else tuple(string)

    with (folder / "messages.mo").open("rb") as handle:
        compiled = {key(m.id): value(m.string) for m in read_mo(handle) if m.id}
    source = {key(m.id): value(m.string) for m in catalogue(name, language) if m.id}
    assert compiled == source, f"run: pybabel compile -d {CATALOGUES[name][0].relative_to(ROOT)}"


class VisibleText(HTMLParser):
    """Collects text a visitor would read: text nodes and a few attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code"):
            self.skip += 1
        self.texts += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.texts.append(data)


def unmarked_strings(path: Path) -> list[str]:
    """Words in a template that are not inside a Jinja tag or expression."""
    source = path.read_text(encoding="utf-8")
    plain = "".join(value if kind == "data" else "\x00"
                    for _line, kind, value in Environment().lex(source))
    plain = re.sub(r"\{#.*?#\}", "", plain, flags=re.S)
    if path.suffix == ".txt":
        texts = [plain]
    else:
        parser = VisibleText()
        parser.feed(plain)
        texts = parser.texts
    cleaned = (" ".join(text.replace("\x00", " ").split()) for text in texts)
    return [text for text in cleaned if LETTERS.search(text)]


def template_files() -> list[Path]:
    return sorted(p for folder in TEMPLATE_DIRS for p in folder.rglob("templates/**/*")
                  if p.suffix in (".html", ".txt"))


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_unmarked_text(path: Path) -> None:
    assert unmarked_strings(path) == []


def test_the_detector_finds_an_unmarked_string(tmp_path: Path) -> None:
    sample = tmp_path / "sample.html"
    sample.write_text('<p>{{ _("Fine") }}</p><p>Bonjour {{ name }}</p><img alt="Logo" src="x">')
    assert unmarked_strings(sample) == ["Bonjour", "Logo"]


def test_pages_switch_language(client) -> None:  # type: ignore[no-untyped-def]
    french = client.get("/").get_data(as_text=True)
    english = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="fr">' in french and "Accueil" in french
    assert '<html lang="en">' in english and ">Home<" in english
    again = client.get("/organisations/").get_data(as_text=True)
    assert '<html lang="en">' in again, "the ?lang= choice is kept in a cookie"


def test_accept_language_and_hreflang(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert 'hreflang="fr"' in page and 'hreflang="en"' in page
    page = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="fr">' in page


def test_users_preference_is_used(client, people) -> None:  # type: ignore[no-untyped-def]
    from crpm_cms.extensions import db
    from crpm_cms.testing import sign_in
    from crpm_cms.users.services import find_by_email

    with client.application.app_context():
        find_by_email(people["member"]).language = "en"
        db.session.commit()
    sign_in(client, people["member"])
    assert '<html lang="en">' in client.get("/account").get_data(as_text=True)


def test_dates_follow_the_locale(app) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from flask_babel import force_locale, format_date

    with app.test_request_context(), force_locale("fr"):
        assert format_date(datetime(2026, 3, 5), "long") == "5 mars 2026"
    with app.test_request_context(), force_locale("en"):
        assert format_date(datetime(2026, 3, 5), "long") == "March 5, 2026"


def test_po_catalogue_parses() -> None:
    folder = CATALOGUES["core"][0]
    buffer = io.BytesIO((folder / "fr" / "LC_MESSAGES" / "messages.po").read_bytes())
    assert len(read_po(buffer)) > 50
