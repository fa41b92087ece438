"""Upgrades: the database each release left behind still works after every later migration.

tests/upgrade/release-<version>.tar.gz is a ``crpm backup`` of a site made by that release with a
row in every table (tests/upgrade/make_fixture.py). Restoring it into an empty database creates
the schema at the release's revisions, loads its rows and runs the later migrations as ``crpm db
upgrade`` does; the database must then be at head and every page must render, for a visitor,
a member and an administrator, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import tarfile
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import text
from werkzeug.test import TestResponse

from crpm_cms import create_app
from crpm_cms.extensions import db
from crpm_cms.testing import PASSWORD, Client, accounts, sign_in
from crpm_cms.testing.crawl import crawl
from crpm_cms.testing.database import base_config, empty_database

FIXTURES = Path(__file__).parent / "upgrade"
ARCHIVES = sorted(FIXTURES.glob("release-*.tar.gz"))
BUILT_IN_PLUGINS = ["cso_map", "webinars", "training", "indicators"]
ADMIN = "mise-a-jour@test.crpm"
# the demo's member (every archive is made on the demo site), who holds what only its owner sees:
# a certificate, a calendar feed, a time zone, a training application
MEMBER = "member@demo.crpm"
# a page of each part of the site, which must answer whatever the links lead to
NAMED_PAGES = ["/", "/organisations/", "/events/", "/trainings/", "/indicators/", "/map/",
               "/library/", "/news/", "/notes/", "/about", "/search?q=migration"]


def release_of(archive: Path) -> str:
    return archive.name.removeprefix("release-").removesuffix(".tar.gz")


def manifest_of(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as opened:
        member = opened.extractfile("manifest.json")
        assert member is not None
        return json.load(member)


class Recorder(Client):
    """A client that notes the status of every page it reads (address → status), and names
    the page whose view raised."""

    statuses: dict[str, int]

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        try:
            response = super().open(*args, **kwargs)
        except Exception as error:
            error.add_note(f"while reading {args[0] if args else kwargs}")
            raise
        self.statuses[response.request.full_path.removesuffix("?")] = response.status_code
        return response


def recorder(app: Flask, email: str | None = None) -> Recorder:
    app.test_client_class = Recorder
    client = app.test_client()
    assert isinstance(client, Recorder)
    client.statuses = {}
    if email:
        sign_in(client, email)
    return client


def revisions(app: Flask) -> tuple[set[str], set[str]]:
    """The database's revisions and the heads of the loaded branches (core and each loaded
    plugin: an installed plugin left out of PLUGINS has a head the database never gets)."""
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        heads = {script.get_revision(f"{branch}@head").revision  # type: ignore[union-attr]
                 for branch in app.extensions["crpm_migration_branches"]}
        current = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
        db.session.remove()
    return current, heads


def test_this_release_has_its_fixture() -> None:
    """A release is made with its archive (make_fixture.py), or later migrations would never be
    tried on what it writes."""
    version = metadata.version("crpm-cms")
    if ".dev" in version:
        pytest.skip(f"{version} is not a release")
    assert FIXTURES / f"release-{version}.tar.gz" in ARCHIVES, \
        f"run python tests/upgrade/make_fixture.py for the release {version}"


@pytest.mark.parametrize("archive", ARCHIVES, ids=release_of)
def test_a_release_fixture_holds_a_row_in_every_table(archive: Path) -> None:
    """An empty table would leave its migrations untried on real rows; only the core and the
    built-in plugins made it (another plugin's tables would not be restored)."""
    manifest = manifest_of(archive)
    empty = sorted(name for name, rows in manifest["tables"].items()
                   if rows == 0 and name != "alembic_version")
    assert not empty, f"{archive.name}: no row in {', '.join(empty)}"
    assert set(manifest["versions"]) == {"crpm-cms", *BUILT_IN_PLUGINS}
    assert manifest["versions"]["crpm-cms"] == release_of(archive)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("archive", ARCHIVES, ids=release_of)
def test_a_release_database_upgrades_to_head_and_every_page_renders(
        tmp_path: Path, archive: Path, kind: str) -> None:
    with empty_database(tmp_path, "upgraded", kind) as url:
        app = create_app({**base_config(tmp_path / "instance", url),
                          "PLUGINS": BUILT_IN_PLUGINS})
        try:
            restored = app.test_cli_runner().invoke(args=["restore", str(archive)],
                                                    catch_exceptions=False)
            assert restored.exit_code == 0, restored.output
            current, heads = revisions(app)
            assert current == heads, f"at {sorted(current)}, the heads are {sorted(heads)}"
            with app.test_request_context("/"):
                admin = accounts.create_user(ADMIN, "Mise à jour", PASSWORD)
                accounts.set_roles(admin, [("admin", None)])
                member = accounts.find_by_email(MEMBER)
                assert member is not None, f"{archive.name} has no {MEMBER}"
                accounts.change_password(member, PASSWORD)
            clients = [recorder(app), recorder(app, MEMBER), recorder(app, ADMIN)]
            for client in clients:
                crawl(app, client)  # a page of each route the links lead to
                for address in NAMED_PAGES:
                    assert client.get(address).status_code == 200, address
            # and, as the one who sees the most, the first pages of the data
            crawl(app, clients[2], limit=140, every_page=True)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    failed = {address: status for client in clients
              for address, status in client.statuses.items() if status >= 500}
    assert not failed, f"{len(failed)} pages fail: {failed}"
    visited = [len(client.statuses) for client in clients]
    assert visited[2] > 100, f"pages visited by the visitor, member, administrator: {visited}"
