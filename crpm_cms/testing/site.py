"""Setting up what a test needs through the core's own services, the way the site would:
accounts, library documents, plugins switched on or off, ``crpm init``, the demo.

These are for tests only; a plugin's code reaches the core through ``crpm_cms.plugin_api``.
"""

from __future__ import annotations

import io
import time

from flask import Flask
from werkzeug.datastructures import FileStorage

from crpm_cms.cli import initialise as initialise_site
from crpm_cms.demo import load_demo_data
from crpm_cms.library import services as library
from crpm_cms.mail.outbox import waiting_count
from crpm_cms.plugin_system.services import set_enabled as set_plugin_enabled
from crpm_cms.users import services as accounts

__all__ = ["accounts", "add_document", "initialise_site", "load_demo_data", "set_plugin_enabled",
           "wait_for_outbox"]


def add_document(app: Flask, content: bytes, name: str = "document.txt", *,
                 uploader: str | None = None, **fields: object) -> str:
    """Add a document to the library through its service and return its slug (messages in
    English). ``fields`` override the defaults of ``library.DocumentData``."""
    values: dict = {"title": "Étude sur la mobilité", "summary": "", "document_type": "study",
                    "language": "fr", "year": 2024, "access": "public", "countries": ["SN"],
                    "themes": ["governance"]}
    values.update(fields)
    with app.test_request_context("/?lang=en"):
        actor = accounts.find_by_email(uploader) if uploader else None
        upload = FileStorage(stream=io.BytesIO(content), filename=name)
        return library.add_document(upload, library.DocumentData(**values), actor).slug


def wait_for_outbox(app: Flask, timeout: float = 30.0) -> int:
    """Wait until every mail in the outbox is sent (servers send a request's mail once its
    response is out, so a client can be answered before its mail left); returns how many still
    wait, 0 unless ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            waiting = waiting_count()
        if not waiting or time.monotonic() > deadline:
            return waiting
        time.sleep(0.1)
