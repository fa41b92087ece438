"""Putting documents into the library of a test app, and looking at what was stored."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from crpm_cms.extensions import db
from crpm_cms.library.models import LibraryDocument
from crpm_cms.testing.site import add_document


def library_folder(app: Flask) -> Path:
    return Path(app.instance_path) / "uploads" / "library"


def stored_files(app: Flask) -> list[str]:
    """Every file in the library folder, hidden ones included."""
    folder = library_folder(app)
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def document_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LibraryDocument))


def document(app: Flask, slug: str) -> LibraryDocument:
    with app.app_context():
        found = db.session.scalar(select(LibraryDocument).where(LibraryDocument.slug == slug)
                                  .options(undefer(LibraryDocument.text)))
        assert found is not None
        db.session.expunge(found)
        return found


def matrix_documents(app: Flask, people: dict[str, str]) -> dict[str, str]:
    """For the permission matrix: a public, a members-only and a doomed document, all uploaded
    by the editor of Senegal; by placeholder name → slug."""
    from tests.files.samples import text_file

    return {
        "library_public": add_document(app, text_file("public"), "public.txt",
                                       title="Document public", uploader=people["editor"]),
        "library_members": add_document(app, text_file("members"), "members.txt",
                                        title="Document réservé", access="members",
                                        uploader=people["editor"]),
        "library_doomed": add_document(app, text_file("doomed"), "doomed.txt",
                                       title="Document à supprimer", uploader=people["editor"]),
    }
