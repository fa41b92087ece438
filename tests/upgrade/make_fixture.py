"""Make this release's upgrade fixture: ``tests/upgrade/release-<version>.tar.gz``.

Why: a deployment of this release holds data in every table, and each later migration must carry
that data forward. tests/test_upgrade.py restores every ``release-*.tar.gz`` of this folder into
an empty database (``crpm restore`` creates the schema at the archive's revisions, loads the
rows, then runs what ``crpm db upgrade`` runs) and checks that the database reaches the head
revisions and that every page of the site still renders. The archive is a ``crpm backup``:
portable JSON lines, reviewable in a diff.

How: in a temporary folder, with a throwaway SQLite database and only the core and the four
built-in plugins, ``crpm demo``, then rows written through the real services (content with
revisions, library documents, proposals, reminders, certificates, tokens, sessions, settings…)
until no table is empty, then ``crpm backup``. A table left empty is refused (exit status 1,
the tables named) and no archive is written: a new table needs a few lines here.

When: once per release, from a clean checkout of the release's commit installed with
``pip install -e .`` (the script refuses code that is not this checkout's, or that differs from
its commit: the archive must hold what the release writes, at the release's migrations); commit
the new archive beside the older ones. Never regenerate an old release's archive: it stands for
the databases that release left on servers, so the script refuses to replace an existing
archive unless ``--force`` is given (only while the release is not published yet).

    python tests/upgrade/make_fixture.py [--force]
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import date, datetime, timedelta
from importlib import metadata
from pathlib import Path

import crpm_plugins
from crpm_plugins.cso_map import places, proposals
from crpm_plugins.training import applications, attendance
from crpm_plugins.training import services as training
from crpm_plugins.webinars import feeds, timezones
from crpm_plugins.webinars import registration as webinar_registration
from crpm_plugins.webinars import services as webinars
from flask import Flask
from sqlalchemy import select

import crpm_cms
from crpm_cms import create_app
from crpm_cms.cli import cli
from crpm_cms.content import services as content
from crpm_cms.content.models import Revision
from crpm_cms.extensions import db
from crpm_cms.library.models import LibraryDocument
from crpm_cms.organisations.models import Organisation
from crpm_cms.plugin_api import registrations, to_local, utcnow
from crpm_cms.settings.services import save_settings
from crpm_cms.taxonomies.models import Term
from crpm_cms.testing import accounts, add_document, client_of, sign_in

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BUILT_IN_PLUGINS = ("cso_map", "webinars", "training", "indicators")
DEMO_PASSWORD = "crpm-demo-2026"
ADMIN, EDITOR, MEMBER = "admin@demo.crpm", "editor@demo.crpm", "member@demo.crpm"
SKIPPED_TABLES = {"alembic_version"}  # the migrations write it


def release_version() -> str:
    """The version of setup.cfg, which must be the installed one (the manifest records it)."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    version = parser["metadata"]["version"]
    installed = metadata.version("crpm-cms")
    if installed != version:
        sys.exit(f"setup.cfg says {version} but crpm-cms {installed} is installed: "
                 "run `pip install -e .` first.")
    return version


def foreign_code() -> list[str]:
    """Why the code that would run is not this release's: imported from another folder, or
    changed since the commit (a schema or data no release has)."""
    problems = [f"{package.__name__} is imported from {Path(package.__file__).parent}, not from "
                f"{ROOT}: run `pip install -e .` in this checkout"
                for package in (crpm_cms, crpm_plugins)
                if ROOT not in Path(package.__file__).resolve().parents]
    if (ROOT / ".git").exists():
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "--", "crpm_cms",
             "plugins", "themes", "setup.cfg", ":(exclude)plugins/*/tests/*"],
            cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
        problems += [f"{line[3:]} differs from the commit" for line in changed]
    return problems


def use_throwaway_site(work: Path) -> None:
    """Point the ``crpm`` commands and ``create_app()`` at a new site in ``work``: the
    environment is the only configuration (none of the developer's ``CRPM_*`` settings)."""
    for name in [name for name in os.environ if name.startswith("CRPM_")]:
        del os.environ[name]
    os.environ.update({
        "CRPM_INSTANCE_PATH": str(work / "instance"),
        "CRPM_DATABASE_URL": f"sqlite:///{work / 'fixture.sqlite3'}",
        "CRPM_PLUGINS": ",".join(BUILT_IN_PLUGINS),
        "CRPM_SECRET_KEY": "upgrade-fixture-secret",
        "CRPM_SITE_URL": "http://localhost",  # links in the e-mails the jobs write
    })


def crpm(*args: str) -> None:
    """Run a ``crpm`` command as an administrator would; stop on failure."""
    try:
        cli.main(args=list(args), prog_name="crpm", standalone_mode=False)
    except Exception as error:
        sys.exit(f"crpm {' '.join(args)} failed: {error!r}")


# -- rows through the services ------------------------------------------------------------------


def accounts_and_settings() -> None:
    """A focal point, an invited and a pending account, an API token, settings, a member's
    time zone and calendar feed."""
    focal = accounts.create_user("point-focal@demo.crpm", "Awa Ba", DEMO_PASSWORD,
                                 language="fr")
    accounts.set_roles(focal, [("focal_point", "SN")])
    accounts.invite_user("invitee@demo.crpm", "Jean Kouassi", [("editor", "CI")], language="fr")
    accounts.create_user("pending@demo.crpm", "Mariam Traoré", DEMO_PASSWORD, status="pending",
                         language="en")
    admin, member = accounts.find_by_email(ADMIN), accounts.find_by_email(MEMBER)
    accounts.create_api_token(admin, "Tableau de bord")
    save_settings({"contact_email": "contact@reseau-crpm.example",
                   "cso_map_visitor_proposals": True})
    timezones.save_profile_zone(member.id, "Africa/Dakar")
    feeds.feed_token(member)


def content_items() -> None:
    """News, a publication and a page in both languages, in several states, with several
    revisions, themes and organisations."""
    editor, admin = accounts.find_by_email(EDITOR), accounts.find_by_email(ADMIN)
    themes = {term.code: term.id for term in db.session.scalars(
        select(Term).where(Term.vocabulary == "theme"))}
    panes = db.session.scalar(select(Organisation.id).where(Organisation.acronym == "PANES-M"))
    news = content.create_item("news", content.ContentData(
        title="Forum national sur la migration de travail", language="fr", country_code="SN",
        summary="Les organisations de la société civile réunies à Dakar.",
        body_html="<p>Le forum a réuni <strong>cent vingt</strong> participants.</p>",
        themes=[themes["governance"], themes["dialogue"]], organisations=[panes],
        featured=True), editor)
    content.save_item(news, content.ContentData(
        title="Forum national sur la migration de travail", language="fr", country_code="SN",
        summary="Les organisations de la société civile réunies à Dakar en mars.",
        body_html="<p>Le forum a réuni <strong>cent vingt</strong> participants.</p>"
                  "<ul><li>Recommandations</li><li>Suivi</li></ul>",
        themes=[themes["governance"], themes["dialogue"]], organisations=[panes],
        featured=True), editor, 1)
    content.apply_action(news, "submit", editor)
    content.apply_action(news, "publish", admin)
    english = content.create_item("news", content.ContentData(
        title="National forum on labour migration", language="en", country_code="SN",
        summary="Civil society met in Dakar.", body_html="<p>120 participants.</p>",
        translation_of=news.id, themes=[themes["governance"]]), editor)
    content.apply_action(english, "publish", admin)
    note = content.create_item("publication", content.ContentData(
        title="Note de positionnement sur le retour volontaire", language="fr",
        country_code="SN", document_type="position_note",
        body_html="<p>Le réseau demande un accompagnement durable.</p>",
        themes=[themes["return"]], organisations=[panes]), editor)
    content.apply_action(note, "publish", admin)
    content.apply_action(note, "unpublish", admin)
    about = content.create_item("page", content.ContentData(
        title="À propos du réseau", language="fr", page="about",
        body_html="<p>Le réseau CRPM relie la société civile de huit pays.</p>"), admin)
    content.apply_action(about, "publish", admin)
    about_en = content.create_item("page", content.ContentData(
        title="About the network", language="en", page="about",
        body_html="<p>The CRPM network links civil society in eight countries.</p>"), admin)
    content.apply_action(about_en, "publish", admin)
    old = content.create_item("news", content.ContentData(
        title="Appel à candidatures 2024", language="fr", country_code="SN"), editor)
    content.apply_action(old, "archive", admin)
    draft = content.create_item("news", content.ContentData(
        title="Brouillon : atelier genre", language="fr", country_code="SN"), editor)
    content.save_item(draft, content.ContentData(
        title="Atelier genre et migrations", language="fr", country_code="SN"), editor, 1)
    first = db.session.scalar(select(Revision).where(Revision.item_id == draft.id,
                                                     Revision.version == 1))
    content.restore_revision(draft, first, editor, 2)


def library_documents(app: Flask) -> None:
    """A public study and its English translation, and a members-only report of an
    organisation (tiny text files: the archive stays small)."""
    with app.app_context():
        panes = db.session.scalar(select(Organisation.id)
                                  .where(Organisation.acronym == "PANES-M"))
    study = add_document(app, "Étude sur la migration circulaire au Sénégal.\n".encode(),
                         "etude-migration-circulaire.txt", uploader=ADMIN,
                         title="Migration circulaire au Sénégal", summary="Une étude de terrain.",
                         countries=["SN", "FR"], themes=["diaspora", "development"],
                         organisations=[panes])
    with app.app_context():
        study_id = db.session.scalar(select(LibraryDocument.id)
                                     .where(LibraryDocument.slug == study))
    add_document(app, b"A field study of circular migration in Senegal.\n",
                 "circular-migration-study.txt", uploader=ADMIN, language="en",
                 title="Circular migration in Senegal", countries=["SN"], themes=["diaspora"],
                 translation_of=study_id)
    add_document(app, "Compte rendu de l’assemblée générale.\n".encode(), "compte-rendu.txt",
                 uploader=EDITOR, title="Compte rendu de l’assemblée générale",
                 document_type="minutes", access="members", year=2025, countries=["SN"],
                 themes=["governance"], organisations=[panes])


def map_proposals() -> None:
    """A pending, an approved and a rejected proposal; the approved organisation's record was
    last checked two years ago, so this year's verification campaign writes to it."""
    admin, member = accounts.find_by_email(ADMIN), accounts.find_by_email(MEMBER)
    place = {"country_code": "SN", "city": "Saint-Louis", "region": "", "latitude": 16.03,
             "longitude": -16.49, "precision": "city"}
    proposals.submit(proposals.ProposalData(
        name="Jeunesse et mobilité de Ziguinchor", kind="cso", country="SN",
        description_fr="Information des jeunes sur les voies légales.", themes=["return"],
        place={**place, "city": "Ziguinchor", "latitude": 12.56, "longitude": -16.27},
        target_groups=["youth"], working_languages=["fr", "wo"]),
        None, None, "Ousmane Diatta", "ousmane@jmz.example", "fr", note="Nouvelle association")
    approved = proposals.submit(proposals.ProposalData(
        name="Association des femmes du fleuve", kind="cso", country="SN", acronym="AFF",
        email="contact@aff.example", website="https://aff.example", themes=["gender"],
        place=place, target_groups=["women_migrants"], gender_focus="targeted",
        working_languages=["fr"]), None, member, "Fatou Sarr", MEMBER, "fr")
    organisation = proposals.approve(approved, admin, "Bienvenue sur la carte.")
    places.mark_verified(organisation.id, None, "import", date.today() - timedelta(days=730))
    db.session.commit()
    rejected = proposals.submit(proposals.ProposalData(
        name="Doublon du réseau", kind="network", country="SN"),
        None, None, "Anonyme", "anonyme@example.org", "en")
    proposals.reject(rejected, admin, "Already on the map.")


def trainings() -> None:
    """A training the member applied to, was approved for, confirmed, attended (the sheet of
    its session) and got a certificate of."""
    admin, member = accounts.find_by_email(ADMIN), accounts.find_by_email(MEMBER)
    now = utcnow()
    course = training.save_training(None, training.TrainingData(
        kind="collective", title_fr="Plaidoyer et suivi des politiques migratoires",
        title_en="Advocacy and migration policy monitoring", country_code="SN",
        description_fr="Deux jours de formation à Dakar.", target_countries=["SN", "CI"],
        target_kinds=["cso"], applications_open_at=now - timedelta(days=20),
        applications_close_at=now + timedelta(days=1), published=True, capacity=20), admin)
    start = datetime.combine(date.today() - timedelta(days=2), datetime.min.time()) \
        + timedelta(hours=9)
    session = training.add_session(course, start, start + timedelta(hours=7), "Africa/Dakar",
                                   place="Dakar", trainers="Awa Ba")
    training.add_question(course, "text", "Votre rôle dans l’organisation ?")
    registration = applications.apply(course, member, {
        str(course.questions[0].id): "Chargée de plaidoyer"})
    registration = applications.review_step(registration, "approve", admin)
    registration = applications.person_step(course, member, "confirm")
    attendance.record(course, session, {registration.id}, admin)
    for action in ("mark_attended", "certify"):  # certifying issues the certificate
        registration = registrations.transition(registration, action, admin)


def webinar_reminders() -> None:
    """A webinar starting in twelve hours, the member registered: the reminder job writes the
    24-hour reminder."""
    member = accounts.find_by_email(MEMBER)
    start = to_local(utcnow() + timedelta(hours=12), "Europe/Paris").replace(
        tzinfo=None, minute=0, second=0, microsecond=0)
    saved = webinars.save_event(None, webinars.EventData(
        kind="webinar", timezone="Europe/Paris", starts_local=start,
        ends_local=start + timedelta(hours=2), title_fr="Les transferts de fonds de la diaspora",
        title_en="Diaspora remittances", joining_url="https://visio.example/crpm",
        capacity=100, country_codes=["SN", "FR"], theme_codes=["diaspora"],
        speakers=[webinars.SpeakerData("Mamadou Sy", "Université Cheikh Anta Diop", "man")],
        materials=[webinars.MaterialData("slides", "Présentation",
                                         "https://visio.example/slides.pdf")]), None)
    webinar_registration.register(saved.event, member)


def fill(app: Flask) -> None:
    with app.test_request_context("/"):
        accounts_and_settings()
    with app.test_request_context("/"):
        content_items()
    library_documents(app)
    with app.test_request_context("/"):
        map_proposals()
    with app.test_request_context("/"):
        trainings()
    with app.test_request_context("/"):
        webinar_reminders()
    crpm("jobs", "run", "cso_map.remind_verification", "webinars.send_reminders",
         "training.expire_offers")
    for email in (MEMBER, ADMIN):  # each sign-in is a login session
        sign_in(client_of(app), email, DEMO_PASSWORD)


def backup_with_a_pending_search_change(app: Flask, archive: Path) -> None:
    """``crpm backup`` right after a change, before the index took it: as on a live site, the
    change waits in the search outbox (the end of the context would apply it)."""
    with app.test_request_context("/"):
        content.create_item("news", content.ContentData(
            title="Dernière minute : report de l’atelier", language="fr", country_code="SN"),
            accounts.find_by_email(EDITOR))
        result = app.test_cli_runner().invoke(args=["backup", str(archive)])
        print(result.output, end="")
        if result.exit_code != 0:
            sys.exit(f"crpm backup failed: {result.output}{result.exception!r}")


def empty_tables(archive: Path) -> list[str]:
    with tarfile.open(archive) as opened:
        member = opened.extractfile("manifest.json")
        assert member is not None
        manifest = json.load(member)
    return sorted(name for name, rows in manifest["tables"].items()
                  if rows == 0 and name not in SKIPPED_TABLES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true",
                        help="replace this release's archive (only before it is published)")
    options = parser.parse_args()
    version = release_version()
    problems = foreign_code()
    if problems:
        print("Refused: make the archive from a clean checkout of the release.\n  "
              + "\n  ".join(problems), file=sys.stderr)
        return 1
    target = HERE / f"release-{version}.tar.gz"
    if target.exists() and not options.force:
        print(f"{target.relative_to(ROOT)} exists: an old release's archive is never "
              "regenerated (--force replaces it while the release is not published).",
              file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="crpm-upgrade-fixture-") as folder:
        work = Path(folder)
        use_throwaway_site(work)
        crpm("demo", "--password", DEMO_PASSWORD)
        app = create_app()
        fill(app)
        archive = work / target.name
        backup_with_a_pending_search_change(app, archive)
        empty = empty_tables(archive)
        if empty:
            print(f"Refused: {len(empty)} table(s) hold no row: {', '.join(empty)}. Write "
                  "rows into them in tests/upgrade/make_fixture.py.", file=sys.stderr)
            return 1
        shutil.copyfile(archive, target)
    print(f"Wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KiB).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
