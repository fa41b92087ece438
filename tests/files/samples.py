"""Real documents of every accepted kind, and hostile ones, generated for the tests."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pptx
from fpdf import FPDF

ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
  <office:body><office:text>
    <text:h text:outline-level="1">{title}</text:h>
    <text:p>{body}</text:p>
  </office:text></office:body>
</office:document-content>"""
ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
  manifest:version="1.2">
  <manifest:file-entry manifest:full-path="/"
    manifest:media-type="application/vnd.oasis.opendocument.text"/>
  <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def pdf_with_text(*lines: str) -> bytes:
    document = FPDF()
    for line in lines or ("Diagnostic des politiques migratoires au Sénégal",):
        document.add_page()
        document.set_font("helvetica", size=14)
        document.cell(text=line)
    return bytes(document.output())


def pdf_without_text() -> bytes:
    """What a scanner makes, as far as text goes: pages with only drawings on them."""
    document = FPDF()
    document.add_page()
    document.set_fill_color(40, 40, 40)
    document.rect(20, 20, 120, 80, style="F")
    return bytes(document.output())


def docx_file(paragraph: str = "Note de positionnement sur la mobilité",
              cell: str = "Indicateur de suivi") -> bytes:
    document = docx.Document()
    document.add_heading("Titre du document", level=1)
    document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = cell
    table.rows[0].cells[1].text = "42"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_file(title: str = "Capitalisation", body: str = "Expériences de la diaspora") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", ODT_CONTENT.format(title=title, body=body))
        archive.writestr("META-INF/manifest.xml", ODT_MANIFEST)
    return buffer.getvalue()


def xlsx_file(word: str = "Transferts de fonds") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Pays", word])
    sheet.append(["Sénégal", 12.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pptx_file(title: str = "Atelier régional de dialogue") -> bytes:
    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = title
    slide.placeholders[1].text = "Gouvernance des migrations"
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def text_file(text: str = "Compte rendu de la réunion du réseau.\n") -> bytes:
    return text.encode("utf-8")


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"\x90" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def zip_bomb_docx() -> bytes:
    """A real DOCX with one extra part that unpacks to 40 MB of zeros (about 40 KB packed)."""
    buffer = io.BytesIO(docx_file())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\x00" * (40 * 1024 * 1024))
    return buffer.getvalue()


def zip_without_main_part() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("notes.txt", "pas un document bureautique")
    return buffer.getvalue()
