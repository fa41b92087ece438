"""``crpm backup`` and ``crpm restore``: a demo site comes back page for page, download for
download and search result for search result, on SQLite and PostgreSQL and from one to the
other; a backup taken while people write restores to a consistent state."""

from __future__ import annotations

import io
import re
import tarfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from crpm_cms import create_app
from crpm_cms.content import services as content
from crpm_cms.content.models import ContentItem, Revision
from crpm_cms.extensions import db
from crpm_cms.testing import PASSWORD, accounts, add_document, client_of, load_demo_data
from crpm_cms.testing.crawl import crawl
from crpm_cms.testing.database import base_config, empty_database
from crpm_cms.testing.site import initialise_site

ADMIN = "sauvegarde@test.crpm"
VARYING = re.compile(r'(name="csrf_token"[^>]*value|nonce|name="csrf-token" content)="[^"]*"')
SEARCHES = ["/search?q=migration", "/search?q=genre", "/search?q=diaspora&type=news"]


def cli(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


def site(tmp_path: Path, name: str, url: str, **settings: object) -> Flask:
    return create_app({**base_config(tmp_path / name, url), **settings})


def demo_site(app: Flask) -> None:
    """``crpm demo``, an administrator, and a document in the library (a real upload)."""
    with app.app_context():
        initialise_site("all")
        load_demo_data("demo-password-2026")
        admin = accounts.create_user(ADMIN, "Sauvegarde", PASSWORD)
        accounts.set_roles(admin, [("admin", None)])
    add_document(app, "Étude sur la migration circulaire au Sénégal.\n".encode(), "etude.txt",
                 title="Migration circulaire", uploader=ADMIN)


def comparable(body: bytes, is_html: bool) -> object:
    """A page without its tokens and nonces; a ZIP (XLSX, HSDS) as its files, without the
    times the archive and the workbook's properties carry."""
    if is_html:
        return VARYING.sub(r"\1", body.decode())
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return {name: archive.read(name) for name in archive.namelist()
                    if name != "docProps/core.xml"}
    return body


def pages(app: Flask, addresses: list[str]) -> dict[str, tuple[int, object]]:
    """Each address as an administrator sees it: its status and comparable body."""
    admin = client_of(app, ADMIN)
    seen = {}
    for address in addresses:
        response = admin.get(address)
        seen[address] = (response.status_code,
                         comparable(response.data, response.mimetype == "text/html"))
    return seen


def close(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize(("source", "target"), [("sqlite", "sqlite"), ("sqlite", "postgres"),
                                                ("postgres", "postgres")])
def test_a_restored_demo_site_answers_like_the_original(tmp_path: Path, source: str,
                                                        target: str) -> None:
    with empty_database(tmp_path, "backup_from", source) as source_url, \
            empty_database(tmp_path, "backup_to", target) as target_url:
        original = site(tmp_path, "original", source_url)
        demo_site(original)
        found = crawl(original, client_of(original, ADMIN), limit=250, every_page=True)
        # /account lists the visitor's own sign-ins, each new one with the time it was made
        addresses = sorted({*found, *SEARCHES} - {"/account", "/account?lang=fr",
                                                 "/account?lang=en"})
        archive = tmp_path / "site.tar.gz"
        written = cli(original, "backup", str(archive))
        assert written.exit_code == 0, written.output
        assert "1 fichier(s)" in written.output  # French, the default language
        # both indexes built from scratch: the same data ranks the same (an index built item by
        # item weighs words a little differently from a rebuilt one)
        assert cli(original, "search", "reindex").exit_code == 0
        expected = pages(original, addresses)
        close(original)

        restored = site(tmp_path, "restored", target_url)
        result = cli(restored, "restore", str(archive))
        assert result.exit_code == 0, result.output
        assert "l’index de recherche est reconstruit" in result.output
        answers = pages(restored, addresses)
        close(restored)
    assert len(addresses) > 100
    different = [address for address in addresses if answers[address] != expected[address]]
    assert not different, f"{len(different)} pages differ, e.g. {different[:5]}"
    assert any("Migration circulaire" in str(body) for _status, body in expected.values())
    assert any(address.endswith("/download") for address in addresses)


def test_a_site_with_data_is_refused_unless_forced_and_a_damaged_archive_always(
        tmp_path: Path, app: Flask) -> None:
    archive = tmp_path / "site.tar.gz"
    assert cli(app, "backup", str(archive)).exit_code == 0
    refused = cli(app, "restore", str(archive))
    assert refused.exit_code == 1 and "contient déjà des données" in refused.output
    forced = cli(app, "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output

    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as good, tarfile.open(damaged, "w:gz") as bad:
        for member in good.getmembers():
            data = good.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "database/countries.jsonl":
                data = data.replace(b'"SN"', b'"XX"')  # one changed byte pair, same size
            bad.addfile(member, io.BytesIO(data))
    answer = cli(app, "restore", "--force", str(damaged))
    assert answer.exit_code == 1 and "ne correspond pas à sa somme de contrôle" in answer.output
    assert cli(app, "restore", str(tmp_path / "nothing.txt")).exit_code != 0


def test_keep_rotates_the_backups_of_a_folder(tmp_path: Path, app: Flask) -> None:
    folder = tmp_path / "backups"
    for _ in range(3):
        assert cli(app, "backup", str(folder), "--keep", "2").exit_code == 0
        time.sleep(1.05)  # the archives are named by the second
    assert len(list(folder.glob("crpm-backup-*.tar.gz"))) == 2
    settings = tmp_path / "instance" / "config.py"
    settings.write_text('SITE_NAME = "Réseau"\nSECRET_KEY = "do-not-copy"\n', encoding="utf-8")
    assert cli(app, "backup", str(tmp_path / "with-settings.tar.gz")).exit_code == 0
    with tarfile.open(tmp_path / "with-settings.tar.gz") as archive:
        copied = archive.extractfile("instance/config.py").read().decode()  # type: ignore[union-attr]
    assert 'SITE_NAME = "Réseau"' in copied and "do-not-copy" not in copied


@pytest.mark.slow
def test_a_backup_taken_while_ten_writers_save_restores_to_a_consistent_state(
        tmp_path: Path, make_app: Callable[..., Flask], people: dict[str, str]) -> None:
    app = make_app()
    with app.app_context():
        author = accounts.find_by_email(people["editor"])
        items = [content.create_item("news", content.ContentData(
            title=f"Brouillon {n}", language="fr", country_code="SN"), author).id
            for n in range(10)]
    stop = threading.Event()

    def write(item_id: int) -> None:
        while not stop.is_set():
            with app.test_request_context("/"):
                item = db.session.get(ContentItem, item_id)
                content.save_item(item, content.ContentData(  # one writer per item: never stale
                    title=f"Version {item.version + 1}", language="fr", country_code="SN"),
                    accounts.find_by_email(people["editor"]), item.version)
                db.session.remove()

    writers = [threading.Thread(target=write, args=(item_id,)) for item_id in items]
    for writer in writers:
        writer.start()
    try:
        time.sleep(0.5)
        archive = tmp_path / "busy.tar.gz"
        assert cli(app, "backup", str(archive)).exit_code == 0
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    with empty_database(tmp_path, "backup_busy", "sqlite") as url:
        restored = site(tmp_path, "busy", url)
        assert cli(restored, "restore", str(archive)).exit_code == 0
        with restored.app_context():
            for item_id in items:  # each saved version has its revision, and no more
                version = db.session.scalar(select(ContentItem.version)
                                            .where(ContentItem.id == item_id))
                revisions = db.session.scalar(select(func.count()).select_from(Revision).where(
                    Revision.item_id == item_id, Revision.refused.is_(False)))
                assert revisions == version, (item_id, version, revisions)
        close(restored)
