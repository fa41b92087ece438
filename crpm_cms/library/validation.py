"""Checking an uploaded document by its content, never by its name or the browser's word.

A file is a PDF when it starts with ``%PDF-``; an Office Open XML document when it is a ZIP
holding ``[Content_Types].xml`` and the main part of its kind; an OpenDocument text when the
first ZIP entry is ``mimetype`` naming it; plain text when it is UTF-8 without NUL bytes.
"""

from __future__ import annotations

import codecs
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _


class UploadRejected(Exception):
    """The file cannot enter the library; ``str()`` is a translated message for the person."""


@dataclass(frozen=True)
class FileKind:
    code: str
    extension: str
    media_type: str
    label: str  # shown to visitors; a format name, the same in every language


KINDS = {kind.code: kind for kind in (
    FileKind("pdf", ".pdf", "application/pdf", "PDF"),
    FileKind("docx", ".docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "Word (DOCX)"),
    FileKind("odt", ".odt", "application/vnd.oasis.opendocument.text", "OpenDocument (ODT)"),
    FileKind("xlsx", ".xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)"),
    FileKind("pptx", ".pptx",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "PowerPoint (PPTX)"),
    FileKind("txt", ".txt", "text/plain; charset=utf-8", "Text (TXT)"),
)}
OOXML_MAIN_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx",
                    "ppt/presentation.xml": "pptx"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

# Programs renamed as documents: ELF, Windows PE ("MZ"), Mach-O, Java class, scripts.
EXECUTABLE_SIGNATURES = (b"\x7fELF", b"MZ", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                         b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")

# A ZIP may unpack to at most this much, and to at most MAX_RATIO times its own size once it
# unpacks to more than RATIO_FLOOR: real office files stay far below, zip bombs do not.
MAX_UNPACKED = 512 * 1024 * 1024
RATIO_FLOOR = 32 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 10_000

# Characters that reorder what is displayed ("report‮fdp.exe" shows as "reportexe.pdf").
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f" + "".join(map(chr, range(0x202A, 0x202F)))
                          + "".join(map(chr, range(0x2066, 0x206A))))
MAX_NAME_LENGTH = 200


def max_upload() -> int:
    return current_app.config["LIBRARY_MAX_UPLOAD"]


def format_size(size: int) -> str:
    """A file size in the reader's language, e.g. "1,2 MB" in French."""
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(max(size / 1024, 0.1), "#,##0.#"))
    return _("%(size)s MB", size=format_decimal(size / (1024 * 1024), "#,##0.#"))


def too_large_message() -> str:
    return _("The file is larger than the %(size)s the library accepts.",
             size=format_size(max_upload()))


def clean_name(name: str | None) -> str:
    """The original file name, fit to be shown and offered at download, or a refusal."""
    if not name:
        raise UploadRejected(_("Choose a file to upload."))
    if "\x00" in name:
        raise UploadRejected(_("The file name contains a NUL character. Rename the file and "
                               "try again."))
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        raise UploadRejected(_("The file name must not contain a folder path (/, \\ or ..). "
                               "Rename the file and try again."))
    if any(char in BIDI_CONTROLS for char in name):
        raise UploadRejected(_("The file name contains invisible characters that change the "
                               "reading direction, a trick used to disguise a file's type. "
                               "Rename the file and try again."))
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise UploadRejected(_("The file name contains control characters. Rename the file and "
                               "try again."))
    # The extension is replaced by the real one at download, so cutting the end is harmless.
    return unicodedata.normalize("NFC", name).strip()[:MAX_NAME_LENGTH]


def download_name(original: str, kind: FileKind) -> str:
    """The original name with the extension of what the file really is."""
    stem = original.rsplit(".", 1)[0] if "." in original.lstrip(".") else original
    return f"{stem or 'document'}{kind.extension}"


def detect_kind(path: Path) -> FileKind:
    """What the file at ``path`` is, judged by its bytes; refuses anything else."""
    size = path.stat().st_size
    if size == 0:
        raise UploadRejected(_("The file is empty."))
    if size > max_upload():
        raise UploadRejected(too_large_message())
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(EXECUTABLE_SIGNATURES):
        raise UploadRejected(_("This file is a program, not a document; it is refused."))
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"PK\x03\x04"):
        return KINDS[zip_kind(path, size)]
    if is_plain_text(path):
        return KINDS["txt"]
    raise UploadRejected(not_supported_message())


def not_supported_message() -> str:
    return _("This file is not a document the library accepts: PDF, Word (DOCX), OpenDocument "
             "text (ODT), Excel (XLSX), PowerPoint (PPTX) or plain text in UTF-8 (TXT).")


def is_plain_text(path: Path) -> bool:
    """Valid UTF-8 from end to end, without NUL bytes (binary files nearly always have some)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def zip_kind(path: Path, size: int) -> str:
    """``docx``, ``xlsx``, ``pptx`` or ``odt`` for a ZIP that really is one; refuses the rest."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            check_unpacked_size(entries, size)
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise UploadRejected(_("This file is protected by a password; upload a copy "
                                       "without the password."))
            names = {entry.filename for entry in entries}
            if entries and entries[0].filename == "mimetype" and entries[0].file_size < 200:
                if archive.read(entries[0]).strip() == ODT_MIMETYPE:
                    return "odt"
            elif "[Content_Types].xml" in names:
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    raise UploadRejected(_("Documents with macros are refused; save a copy "
                                           "without macros (DOCX, XLSX or PPTX)."))
                for part, kind in OOXML_MAIN_PARTS.items():
                    if part in names:
                        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise UploadRejected(_("This file is damaged: it looks like an office document but "
                               "cannot be opened.")) from None
    raise UploadRejected(not_supported_message())


def check_unpacked_size(entries: list[zipfile.ZipInfo], size: int) -> None:
    """Refuse archives that would unpack to far more than any real document (zip bombs)."""
    unpacked = sum(entry.file_size for entry in entries)
    if (len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED
            or (unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * size)):
        raise UploadRejected(_("This file unpacks to far more data than a real document "
                               "(a \"zip bomb\"); it is refused."))
