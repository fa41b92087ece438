"""The ``crpm`` command: a Flask CLI group bound to the application factory."""

from __future__ import annotations

import os
import secrets
import sys
from contextlib import nullcontext
from pathlib import Path

import click
import flask_migrate
from flask import Flask, current_app, g
from flask.cli import FlaskGroup, NoAppException, with_appcontext
from flask_migrate.cli import db as flask_migrate_db
from sqlalchemy import select

from crpm_cms.config import ConfigError, instance_path_from


def write_secret_key(instance_path: Path) -> bool:
    """Give a local install its own random secret key in ``instance/config.py`` (once)."""
    if os.environ.get("CRPM_SECRET_KEY"):
        return False
    config_file = instance_path / "config.py"
    text = config_file.read_text(encoding="utf-8") if config_file.exists() else ""
    if "SECRET_KEY" in text:
        return False
    instance_path.mkdir(parents=True, exist_ok=True)
    header = "" if text else "# Deployment settings; see instance/config.example.py.\n"
    config_file.write_text(
        f"{text}{header}SECRET_KEY = {secrets.token_urlsafe(48)!r}\n", encoding="utf-8"
    )
    config_file.chmod(0o600)
    return True


def create_cli_app() -> Flask:
    from crpm_cms import create_app

    try:
        return create_app()
    except ConfigError as error:
        raise NoAppException(str(error)) from None


class CrpmGroup(FlaskGroup):
    """``crpm``: Flask's commands (run, shell, routes), ours, and those of loaded plugins."""


cli = CrpmGroup(create_app=create_cli_app, add_version_option=False, load_dotenv=False,
                help="CRPM CMS administration.")


def upgrade_schema() -> None:
    """Apply the core's migrations, then each loaded plugin's branch (never an unloaded one's)."""
    for branch in current_app.extensions["crpm_migration_branches"]:
        flask_migrate.upgrade(revision=f"{branch}@head")


def initialise(plugins_choice: str) -> None:
    from crpm_cms.extensions import db
    from crpm_cms.plugin_system import services as plugin_services
    from crpm_cms.plugin_system.models import PluginState
    from crpm_cms.taxonomies.services import load_reference_data

    first_init = not _has_plugin_rows()
    upgrade_schema()
    load_reference_data()
    plugin_services.registry().answers("load_reference_data", enabled_only=False)
    if first_init and plugins_choice not in ("all", "none"):
        wanted = {name.strip() for name in plugins_choice.split(",") if name.strip()}
        unknown = wanted - set(plugin_services.registry().loaded)
        if unknown:
            raise click.ClickException(f"Unknown plugin(s): {', '.join(sorted(unknown))}")
        for name in plugin_services.registry().loaded:
            db.session.merge(PluginState(name=name, enabled=name in wanted))
        db.session.commit()
    else:
        plugin_services.record_new_plugins(enable=first_init and plugins_choice == "all")
    from crpm_cms.search.indexing import ensure_index

    ensure_index()  # a new deployment (or a deleted index folder) gets its search index


def _has_plugin_rows() -> bool:
    from sqlalchemy import inspect

    from crpm_cms.extensions import db
    from crpm_cms.plugin_system.models import PluginState

    if not inspect(db.engine).has_table(PluginState.__tablename__):
        return False
    return db.session.scalar(select(PluginState.name).limit(1)) is not None


def _app_for_setup() -> Flask:
    """Init and demo may run before any secret key exists: write one, then build the app."""
    if write_secret_key(instance_path_from(os.environ)):
        click.echo("Wrote a new secret key into the instance configuration.")
    return create_cli_app()


@cli.command("init", with_appcontext=False)
@click.option("--admin-email", help="E-mail of the first administrator.")
@click.option("--admin-password", help="Password of the first administrator.")
@click.option("--plugins", "plugins_choice", default="all", show_default=True,
              help="Plugins enabled on a new deployment: all, none, or names separated by commas.")
def init_command(admin_email: str | None, admin_password: str | None, plugins_choice: str) -> None:
    """Create or upgrade the schema, load reference data, create the first admin. Idempotent."""
    from crpm_cms.users import services as users

    app = _app_for_setup()
    with app.app_context():
        initialise(plugins_choice)
        if admin_email:
            user = users.find_by_email(admin_email)
            if user is None:
                if not admin_password:
                    raise click.ClickException("--admin-password is required with --admin-email.")
                try:
                    users.create_user(admin_email, "Administrateur", admin_password,
                                      roles=("admin",))
                except users.AccountError as error:
                    raise click.ClickException(str(error)) from None
                click.echo(f"Administrator {admin_email} created.")
            else:
                click.echo(f"Administrator {admin_email} already exists; left unchanged.")
        click.echo(f"Database ready: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")


@cli.command("demo", with_appcontext=False)
@click.option("--password", default="crpm-demo-2026", show_default=True,
              help="Password of the demo accounts.")
def demo_command(password: str) -> None:
    """Init, then realistic demo data for the 8 countries; every loaded plugin enabled."""
    from crpm_cms.demo import DEMO_ACCOUNTS, load_demo_data
    from crpm_cms.plugin_system import services as plugin_services

    app = _app_for_setup()
    with app.app_context():
        initialise("all")
        for name in plugin_services.registry().loaded:
            plugin_services.set_enabled(name, True)
        load_demo_data(password)
        plugin_services.registry().answers("load_demo_data", enabled_only=False)
        from crpm_cms.search.indexing import reindex

        click.echo(f"Search index rebuilt: {reindex()} record(s).")
        click.echo(f"Demo data ready. Accounts (password: {password}):")
        for email, role in DEMO_ACCOUNTS:
            click.echo(f"  {email:22} {role}")
        click.echo("Start the site with: crpm run")


# -- commands that need the app ------------------------------------------------------------------

@click.group("db")
@with_appcontext
def db_group() -> None:
    """Database migrations (core and plugins)."""
    # Flask-Migrate's commands read these from g; its own `db` group, replaced here, sets them.
    g.directory, g.x_arg = None, ()


for name, command in flask_migrate_db.commands.items():
    if name != "upgrade":
        db_group.add_command(command, name)


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply the core and plugin migrations."""
    upgrade_schema()
    click.echo("Schema up to date.")


plugins_group = click.Group("plugins", help="Installed, loaded and enabled plugins.")


@plugins_group.command("list")
@with_appcontext
def plugins_list() -> None:
    """Every installed plugin with its state."""
    from crpm_cms.plugin_system.services import statuses

    rows = statuses()
    if not rows:
        click.echo("No plugin installed.")
    for status in rows:
        state = "enabled" if status.enabled else ("disabled" if status.loaded else "not loaded")
        click.echo(f"{status.name:20} {state:11} {status.distribution} {status.version}")


def _switch(name: str, enabled: bool) -> None:
    from crpm_cms.plugin_system.services import UnknownPlugin, set_enabled

    try:
        set_enabled(name, enabled)
    except UnknownPlugin:
        raise click.ClickException(
            f"No loaded plugin is called {name!r}; see `crpm plugins list`."
        ) from None
    click.echo(f"{name}: {'enabled' if enabled else 'disabled'}.")


@plugins_group.command("enable")
@click.argument("name")
@with_appcontext
def plugins_enable(name: str) -> None:
    """Switch a plugin on (effective on the next request)."""
    _switch(name, True)


@plugins_group.command("disable")
@click.argument("name")
@with_appcontext
def plugins_disable(name: str) -> None:
    """Switch a plugin off; its data stays."""
    _switch(name, False)


users_group = click.Group("users", help="Accounts.")


@users_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["member", "editor", "focal_point", "admin"]),
              default="member", show_default=True)
@click.option("--country", help="Country code scoping an editor or focal point (e.g. SN).")
@click.option("--password", help="Password; a random one is printed when omitted.")
@click.option("--name", "display_name", default="", help="Display name.")
@with_appcontext
def users_create(email: str, role: str, country: str | None, password: str | None,
                 display_name: str) -> None:
    """Add an active user with a role."""
    from crpm_cms.users import services as users

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = users.create_user(email, display_name, password)
        users.set_roles(user, [(role, country.upper() if country else None)])
    except users.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"User {user.email} created with role {role}.")
    if generated:
        click.echo(f"Password: {password}")


@users_group.command("token")
@click.argument("email")
@click.option("--name", default="CLI", show_default=True, help="A name to recognise the token.")
@with_appcontext
def users_token(email: str, name: str) -> None:
    """Print a new personal API token for this user."""
    from crpm_cms.users import services as users

    user = users.find_by_email(email)
    if user is None or not user.is_active:
        raise click.ClickException(f"No active user with the e-mail {email}.")
    click.echo(users.create_api_token(user, name).secret)


jobs_group = click.Group("jobs", help="Periodic jobs of the enabled plugins (run from cron).")


@jobs_group.command("run")
@click.argument("names", nargs=-1)
@with_appcontext
def jobs_run(names: tuple[str, ...]) -> None:
    """Run every job of the enabled plugins, or only the named ones."""
    from crpm_cms.core_plugin import MAIL_JOB
    from crpm_cms.mail import MissingSiteUrl, external_links
    from crpm_cms.plugin_system.services import registry

    plugins = registry()
    not_run = []
    jobs = current_app.extensions["crpm_jobs"].items()
    # By name, the mail outbox last: it sends what the other jobs wrote.
    for job_name, (plugin_name, job) in sorted(jobs, key=lambda item: (item[0] == MAIL_JOB,
                                                                       item[0])):
        if names and job_name not in names:
            continue
        if not plugins.is_enabled(plugin_name):
            click.echo(f"{job_name}: skipped, plugin {plugin_name} is disabled.")
            continue
        try:
            with external_links() if job.sends_links else nullcontext():
                result = job.run()
        except MissingSiteUrl as error:
            click.echo(f"{job_name}: not run. {error}", err=True)
            not_run.append(job_name)
            continue
        click.echo(f"{job_name}: {result if result is not None else 'done'}")
    if not_run:
        raise SystemExit(1)


def register_core_commands(group: click.Group) -> None:
    for command in (db_group, plugins_group, users_group, jobs_group):
        group.add_command(command)
    from crpm_cms.backup.cli import backup_command, restore_command
    from crpm_cms.library.cli import library_group
    from crpm_cms.search.cli import search_group

    group.add_command(library_group)
    group.add_command(search_group)
    group.add_command(backup_command)
    group.add_command(restore_command)


def main() -> None:
    cli.main(args=sys.argv[1:], prog_name="crpm")
