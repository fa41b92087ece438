"""Text of a stored document, read once at upload and kept for full-text search.

A PDF whose pages carry no text (a scan) is flagged ``no_text``; a file that passed the type
check but cannot be parsed is flagged ``failed``. Neither stops the upload.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from xml.etree import ElementTree

import docx
from pypdf import PdfReader

MAX_TEXT = 2_000_000  # characters kept per document
MAX_XML_PART = 64 * 1024 * 1024  # a larger XML part is not parsed (memory), the file is kept

ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
DRAWINGML = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
SPREADSHEETML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

logger = logging.getLogger(__name__)


def bounded(pieces: Iterable[str]) -> str:
    """Join pieces of text, stopping once there is more than anyone will search."""
    kept: list[str] = []
    length = 0
    for piece in pieces:
        kept.append(piece)
        length += len(piece) + 1
        if length > MAX_TEXT:
            break
    return "\n".join(kept)[:MAX_TEXT]


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")  # "protected" PDFs that open without a password still have text
    return bounded(page.extract_text() or "" for page in reader.pages)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))

    def pieces() -> Iterator[str]:
        yield from (paragraph.text for paragraph in document.paragraphs)
        for table in document.tables:
            for row in table.rows:
                yield "\t".join(cell.text for cell in row.cells)

    return bounded(pieces())


def xml_paragraphs(archive: zipfile.ZipFile, part: str, tags: set[str]) -> Iterator[str]:
    """The text of every outermost element named in ``tags`` in one XML part of a ZIP, read as
    a stream so a large part does not sit whole in memory."""
    if archive.getinfo(part).file_size > MAX_XML_PART:
        raise ValueError(f"{part} is too large to read")
    depth = 0  # how many wanted elements we are inside
    with archive.open(part) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if element.tag in tags:
                depth += 1 if event == "start" else -1
                if event == "end" and depth == 0:
                    yield "".join(element.itertext())
            if event == "end" and depth == 0:
                element.clear()


def natural_order(name: str) -> list[object]:
    """``slide2.xml`` before ``slide10.xml``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def zip_text(path: Path, parts: Callable[[list[str]], list[str]], tags: set[str]) -> str:
    with zipfile.ZipFile(path) as archive:
        chosen = parts(archive.namelist())
        return bounded(text for part in chosen for text in xml_paragraphs(archive, part, tags))


def odt_text(path: Path) -> str:
    return zip_text(path, lambda names: ["content.xml"], {ODF_TEXT + "p", ODF_TEXT + "h"})


def pptx_text(path: Path) -> str:
    def slides(names: list[str]) -> list[str]:
        return sorted((name for name in names
                       if re.fullmatch(r"ppt/slides/slide\d+\.xml", name)), key=natural_order)

    return zip_text(path, slides, {DRAWINGML + "p"})


def xlsx_text(path: Path) -> str:
    """The spreadsheet's words (shared and inline strings); numbers are of no use to search."""
    def string_parts(names: list[str]) -> list[str]:
        sheets = sorted((name for name in names
                         if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)), key=natural_order)
        return [name for name in names if name == "xl/sharedStrings.xml"] + sheets

    return zip_text(path, string_parts, {SPREADSHEETML + "si", SPREADSHEETML + "is"})


def txt_text(path: Path) -> str:
    with path.open(encoding="utf-8-sig") as handle:
        return handle.read(MAX_TEXT)


EXTRACTORS: dict[str, Callable[[Path], str]] = {
    "pdf": pdf_text, "docx": docx_text, "odt": odt_text, "pptx": pptx_text, "xlsx": xlsx_text,
    "txt": txt_text,
}


def extract_text(path: Path, kind: str) -> tuple[str, str]:
    """``(text, text_status)`` for the file at ``path`` of kind ``kind``."""
    extractor = EXTRACTORS.get(kind)
    if extractor is None:
        return "", "not_applicable"
    try:
        text = extractor(path)
    except Exception as error:  # parsers raise anything on a damaged file; it is kept anyway
        logger.warning("Could not read the text of %s (%s): %r", path.name, kind, error)
        return "", "failed"
    text = text.replace("\x00", "").strip()
    return (text, "extracted") if text else ("", "no_text")
