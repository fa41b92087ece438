"""The documentation holds together: every relative link leads somewhere, the README stays short,
the licence is there, and nothing in the repository points at files that live outside it."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README_MAX_LINES = 200

# Spelt in two parts so that this file does not mention them itself.
OUTSIDE_REFERENCES = ("../" + "shared", "DESIGN" + ".md")

LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<target>[^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def markdown_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md"]
    files += sorted((ROOT / "docs").rglob("*.md"))
    files += sorted((ROOT / "plugins").glob("*/README.md"))
    files += sorted((ROOT / "examples").glob("*/README.md"))
    return [path for path in files if path.is_file()]


def prose_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) outside fenced code blocks, with inline code spans blanked out."""
    lines: list[tuple[int, str]] = []
    in_fence = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line.lstrip()):
            in_fence = not in_fence
            continue
        if not in_fence:
            lines.append((number, CODE_SPAN.sub("", line)))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = unicodedata.normalize("NFC", text.lower())
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    """Every heading's anchor in a Markdown file (a repeated heading gets -1, -2, … like GitHub)."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    in_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line.lstrip()):
            in_fence = not in_fence
            continue
        match = None if in_fence else HEADING.match(line)
        if match:
            base = slug(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


def relative_links(path: Path) -> list[tuple[int, str]]:
    links: list[tuple[int, str]] = []
    for number, line in prose_lines(path):
        for pattern in (LINK, IMAGE):
            for match in pattern.finditer(line):
                target = match.group("target").strip("<>")
                if re.match(r"^(https?:|mailto:)", target) or target.startswith("#"):
                    continue
                links.append((number, target))
    return links


def test_there_are_documents_to_check() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in markdown_files()}
    assert {"README.md", "docs/index.md", "docs/plugins/hooks.md"} <= names, sorted(names)


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_leads_to_a_file_of_the_repository(path: Path) -> None:
    broken: list[str] = []
    for number, target in relative_links(path):
        where = f"{path.relative_to(ROOT)}:{number}: ({target})"
        file_part, _, fragment = target.partition("#")
        destination = (path.parent / file_part).resolve()
        if not destination.is_relative_to(ROOT):
            broken.append(f"{where} points outside the repository")
        elif not destination.exists():
            broken.append(f"{where} leads to {destination.relative_to(ROOT)}, which does not exist")
        elif fragment and destination.suffix == ".md" and fragment not in anchors(destination):
            broken.append(f"{where}: {destination.relative_to(ROOT)} has no heading "
                          f"with the anchor #{fragment}")
    assert not broken, "broken links:\n" + "\n".join(broken)


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_to_a_heading_of_the_same_page_exists(path: Path) -> None:
    missing = [
        f"{path.relative_to(ROOT)}:{number}: #{match.group('target')[1:]}"
        for number, line in prose_lines(path)
        for match in LINK.finditer(line)
        if match.group("target").startswith("#")
        and match.group("target")[1:] not in anchors(path)
    ]
    assert not missing, "links to headings that the page does not have:\n" + "\n".join(missing)


def test_the_readme_is_short_enough_for_a_newcomer() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines, more than {README_MAX_LINES}: "
        "move the details to a page of docs/ and link it")


def test_the_readme_keeps_the_test_command_that_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Test it", 1)[-1]
    assert section != readme, "README.md has no '## Test it' section"
    command = 'pip install -e ".[test]" && pytest -n 2'
    assert section.lstrip().startswith(f"```\n{command}\n```"), \
        f"the fenced block right under '## Test it' must be: {command}"


def test_the_licence_is_the_agpl_version_3() -> None:
    licence = ROOT / "LICENSE"
    assert licence.is_file(), "there is no LICENSE file at the root of the repository"
    text = licence.read_text(encoding="utf-8")
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in text, "LICENSE is not the GNU AGPL"
    assert "Version 3" in text, "LICENSE is not version 3 of the GNU AGPL"
    assert "AGPL-3.0-or-later" in (ROOT / "README.md").read_text(encoding="utf-8"), \
        "README.md does not name the licence, AGPL-3.0-or-later"


def tracked_text_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                                check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    files = []
    for name in listed.decode("utf-8").split("\0"):
        path = ROOT / name
        if name and path.is_file():
            files.append(path)
    return files


def test_nothing_in_the_repository_refers_to_files_outside_it() -> None:
    offenders: list[str] = []
    for path in tracked_text_files():
        data = path.read_bytes()
        if b"\0" in data:
            continue  # binary
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # binary
        for number, line in enumerate(text.splitlines(), start=1):
            for reference in OUTSIDE_REFERENCES:
                if reference in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number} mentions {reference}: "
                                     f"{line.strip()[:120]}")
    assert not offenders, (
        "these lines refer to files that are not in the repository; link a page of docs/ or "
        "state the fact instead:\n" + "\n".join(offenders))
