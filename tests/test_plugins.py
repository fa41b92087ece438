"""The plugin system, proved with a throwaway third-party plugin installed with pip.

``tests/plugin_package`` (distribution ``crpm-all-hooks-plugin``, plugin ``example``) implements
every hook. CI installs it with ``pip install -e tests/plugin_package``; elsewhere this module is
skipped when it is missing, except under ``CI=true`` where a missing plugin is an error.
"""

from __future__ import annotations

import html
import inspect
import os
import subprocess
import sys
import types
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

import pluggy
import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from sqlalchemy import inspect as inspect_schema
from sqlalchemy import select, text

from crpm_cms import create_app, hookspecs
from crpm_cms.config import ConfigError
from crpm_cms.extensions import db
from crpm_cms.plugin_system import registry as registry_module
from crpm_cms.plugin_system.registry import ENTRY_POINT_GROUP, InstalledPlugin, installed_plugins
from crpm_cms.testing import base_config

MISSING = ("the example plugin is not installed; run `pip install -e tests/plugin_package` "
           "(CI does)")


def require_example_plugin() -> None:
    """Skip the calling module without the example plugin, but fail loudly in CI."""
    if "example" in installed_plugins():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {MISSING}", pytrace=False)
    pytest.skip(MISSING, allow_module_level=True)


require_example_plugin()

from crpm_example_plugin import services as notes  # noqa: E402
from crpm_example_plugin.plugin import STATE_KEY  # noqa: E402

HOOK_NAMES = sorted(
    name for name, value in vars(hookspecs).items()
    if inspect.isfunction(value) and hasattr(value, f"{hookspecs.PROJECT}_spec")
)


# -- helpers: what a visitor, an admin and cron see ----------------------------------------------


@dataclass
class Site:
    """A test's app with its client, ``login(role)`` and the people's e-mails."""

    app: Flask
    client: FlaskClient
    login: Callable[[str], FlaskClient]
    people: dict[str, str]


def page(client: FlaskClient, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, html.unescape(response.get_data(as_text=True))


def cli(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


def plugin_state(listing: str) -> str:
    """The state column of the example plugin in ``crpm plugins list``."""
    line = next(line for line in listing.splitlines() if line.startswith("example "))
    return line[20:32].strip()


def add_note(app: Flask, note: str) -> None:
    with app.app_context():
        notes.add_note(note)


def note_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(text("SELECT count(*) FROM example_notes"))


def dashboard_widgets(app: Flask, email: str) -> list:
    """The admin dashboard's widgets as this admin would get them, in English."""
    from crpm_cms.users.services import find_by_email

    with app.test_request_context("/?lang=en"):
        answers = app.extensions["crpm_plugins"].values("dashboard_widgets", enabled_only=True,
                                                        user=find_by_email(email))
        return [widget for answer in answers for widget in answer]


def search_total(client: FlaskClient, words: str) -> int:
    return client.get(f"/api/v1/search?q={words}").json["total"]


def save_an_organisation(app: Flask) -> None:
    from crpm_cms.organisations.services import OrganisationData, save

    with app.app_context():
        save(None, OrganisationData(name=f"Association {uuid.uuid4().hex[:6]}", kind="cso",
                                    country_code="SN"), actor=None)


def recorded_events(app: Flask) -> list[str]:
    return app.extensions[STATE_KEY]["events"]


def assert_example_visible(app: Flask, visitor: FlaskClient, admin: FlaskClient,
                           visible: bool) -> None:
    """Every surface of the plugin shows when it is enabled and none when it is disabled."""
    expected_status = 200 if visible else 404
    assert visitor.get("/example/").status_code == expected_status
    assert visitor.get("/example/static/example.css").status_code == expected_status
    _, home = page(visitor, "/")
    assert ('href="/example/"' in home) is visible
    assert ('class="example-slot"' in home) is visible
    _, dashboard = page(admin, "/admin/?lang=en")
    assert ("example note(s)" in dashboard) is visible
    assert bool(search_total(visitor, "pause")) is visible
    job = cli(app, "jobs", "run", "example.count_notes")
    assert job.exit_code == 0
    assert ("skipped, plugin example is disabled" in job.output) is not visible
    before = len(recorded_events(app))
    save_an_organisation(app)
    assert ("organisation.saved" in recorded_events(app)[before:]) is visible


# -- discovery and loading -----------------------------------------------------------------------


def test_the_example_plugin_is_discovered_through_its_entry_point() -> None:
    found = installed_plugins()["example"]
    assert found.distribution == "crpm-all-hooks-plugin"
    assert found.entry_point.group == ENTRY_POINT_GROUP
    assert found.entry_point.value == "crpm_example_plugin.plugin"


def test_plugins_list_shows_it_with_its_state(app: Flask) -> None:
    result = cli(app, "plugins", "list")
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("example "))
    assert line.split() == ["example", "enabled", "crpm-all-hooks-plugin",
                            metadata.version("crpm-all-hooks-plugin")]
    cli(app, "plugins", "disable", "example")
    assert plugin_state(cli(app, "plugins", "list").output) == "disabled"


def test_an_installed_plugin_left_out_of_plugins_is_not_loaded(app: Flask, tmp_path,  # type: ignore[no-untyped-def]
                                                              database_url: str) -> None:
    unloaded = create_app({**base_config(tmp_path / "other", database_url), "PLUGINS": []})
    assert "example" in unloaded.extensions["crpm_plugins"].installed
    assert "example" not in unloaded.extensions["crpm_plugins"].loaded
    assert unloaded.test_client().get("/example/").status_code == 404
    assert not any(rule.rule.startswith("/example") for rule in unloaded.url_map.iter_rules())
    assert "shout" not in unloaded.jinja_env.filters
    result = cli(unloaded, "example", "add-note", "Jamais")
    assert result.exit_code == 2 and "No such command" in result.output
    assert plugin_state(cli(unloaded, "plugins", "list").output) == "not loaded"
    with unloaded.app_context():
        db.engine.dispose()


def test_a_migrated_plugin_can_leave_plugins_and_come_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'deployment.sqlite3'}"
    with_plugin = create_app(base_config(tmp_path / "a", url))
    assert cli(with_plugin, "db", "upgrade").exit_code == 0
    without = create_app({**base_config(tmp_path / "b", url), "PLUGINS": []})
    result = cli(without, "db", "upgrade")
    assert result.exit_code == 0, result.output  # the example revision is still known
    with without.app_context():
        assert inspect_schema(db.engine).has_table("example_notes"), "its data stays"
        db.engine.dispose()
    assert cli(with_plugin, "db", "upgrade").exit_code == 0
    with with_plugin.app_context():
        db.engine.dispose()


def test_db_upgrade_creates_the_plugin_branch_on_a_fresh_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    fresh = create_app(base_config(tmp_path / "fresh", f"sqlite:///{tmp_path / 'fresh.sqlite3'}"))
    assert cli(fresh, "db", "heads").exit_code == 0
    result = cli(fresh, "db", "upgrade")
    assert result.exit_code == 0 and "Schema up to date." in result.output
    with fresh.app_context():
        assert inspect_schema(db.engine).has_table("example_notes")
        assert inspect_schema(db.engine).has_table("plugin_states")
        heads = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
        db.engine.dispose()
    assert "0001_example" in heads


def test_an_unknown_plugin_in_the_config_fails_at_start(tmp_path, database_url: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as error:
        create_app({**base_config(tmp_path / "instance", database_url), "PLUGINS": ["nope"]})
    assert "nope" in str(error.value)
    assert "CRPM_PLUGINS" in str(error.value)
    assert "example" in str(error.value)  # and says what is installed


def test_an_unknown_plugin_in_the_environment_stops_crpm_clearly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {key: value for key, value in os.environ.items() if not key.startswith("CRPM_")}
    env.update(CRPM_PLUGINS="example,nope", CRPM_SECRET_KEY="x",
               CRPM_INSTANCE_PATH=str(tmp_path / "instance"))
    result = subprocess.run([sys.executable, "-c", "from crpm_cms.cli import main; main()",
                             "plugins", "list"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert "CRPM_PLUGINS" in result.stderr and "nope" in result.stderr
    assert "Traceback" not in result.stderr


def test_one_plugin_manager_per_app(app: Flask, tmp_path, database_url: str) -> None:  # type: ignore[no-untyped-def]
    bare = create_app({**base_config(tmp_path / "bare", database_url), "PLUGINS": []})
    full, empty = app.extensions["crpm_plugins"], bare.extensions["crpm_plugins"]
    assert full.pm is not empty.pm
    assert full.pm.has_plugin("example") and not empty.pm.has_plugin("example")
    assert [impl.plugin_name for impl in empty.pm.hook.menu_items.get_hookimpls()] == ["core"]
    _, bare_home = page(bare.test_client(), "/?lang=fr")  # the first French page of this process
    assert 'href="/example/"' not in bare_home
    assert bare.test_client().get("/example/").status_code == 404
    # Building and using the second app changed nothing in the first, translations included.
    assert app.test_client().get("/example/").status_code == 200
    assert "Notes d'exemple" in page(app.test_client(), "/?lang=fr")[1]
    with bare.app_context():
        db.engine.dispose()


def test_a_misspelt_hook_fails_at_create_app(monkeypatch: pytest.MonkeyPatch, tmp_path,  # type: ignore[no-untyped-def]
                                             database_url: str) -> None:
    module = types.ModuleType("crpm_test_misspelt_plugin")

    @hookspecs.hookimpl
    def menu_itemz(user):  # type: ignore[no-untyped-def]  # noqa: ARG001
        return []

    module.menu_itemz = menu_itemz  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    entry_point = metadata.EntryPoint("misspelt", module.__name__, ENTRY_POINT_GROUP)
    installed = {**installed_plugins(),
                 "misspelt": InstalledPlugin("misspelt", entry_point, "misspelt", "0")}
    monkeypatch.setattr(registry_module, "installed_plugins", lambda: installed)
    with pytest.raises(pluggy.PluginValidationError, match="menu_itemz"):
        create_app({**base_config(tmp_path / "instance", database_url),
                    "PLUGINS": ["example", "misspelt"]})


def ad_hoc_plugin(**hooks: Callable[..., object]) -> types.ModuleType:
    """A plugin made in the test: a module holding the given hook implementations."""
    module = types.ModuleType(f"crpm_test_plugin_{uuid.uuid4().hex[:8]}")
    for name, function in hooks.items():
        setattr(module, name, function)
    return module


def test_hooks_are_called_in_pluggys_order_with_tryfirst_and_trylast(app: Flask) -> None:
    plugins = app.extensions["crpm_plugins"]

    @hookspecs.hookimpl(tryfirst=True)
    def menu_items():  # type: ignore[no-untyped-def]
        return []

    @hookspecs.hookimpl(trylast=True)
    def last_menu_items():  # type: ignore[no-untyped-def]
        return []

    plugins.pm.register(ad_hoc_plugin(menu_items=last_menu_items), name="last")
    plugins.pm.register(ad_hoc_plugin(menu_items=menu_items), name="first")
    with app.test_request_context("/"):
        order = [name for name, _ in plugins.answers("menu_items", enabled_only=True, user=None)]
    # tryfirst, then the last registered to the first (the core first of all), then trylast
    assert order == ["first", *reversed(plugins.loaded), "core", "last"]


def test_a_hook_wrapper_is_refused_at_start(monkeypatch: pytest.MonkeyPatch, tmp_path,  # type: ignore[no-untyped-def]
                                            database_url: str) -> None:
    @hookspecs.hookimpl(wrapper=True)
    def menu_items(user):  # type: ignore[no-untyped-def]  # noqa: ARG001
        return (yield)

    module = ad_hoc_plugin(menu_items=menu_items)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    entry_point = metadata.EntryPoint("wrapping", module.__name__, ENTRY_POINT_GROUP)
    installed = {**installed_plugins(),
                 "wrapping": InstalledPlugin("wrapping", entry_point, "wrapping", "0")}
    monkeypatch.setattr(registry_module, "installed_plugins", lambda: installed)
    with pytest.raises(ConfigError, match="wraps the hook 'menu_items'"):
        create_app({**base_config(tmp_path / "instance", database_url), "PLUGINS": ["wrapping"]})


def test_html_from_a_plugin_is_trusted_only_as_markup(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    from crpm_cms.hookspecs import DashboardWidget, SlotFragment

    @hookspecs.hookimpl
    def template_slot(slot):  # type: ignore[no-untyped-def]
        if slot == "home_main":
            return SlotFragment("<b>brut</b>", order=99)
        return None

    @hookspecs.hookimpl
    def dashboard_widgets():  # type: ignore[no-untyped-def]
        return [DashboardWidget("Brut", "<i>brut</i>")]

    app.extensions["crpm_plugins"].pm.register(
        ad_hoc_plugin(template_slot=template_slot, dashboard_widgets=dashboard_widgets),
        name="raw")
    home = app.test_client().get("/").get_data(as_text=True)
    assert "&lt;b&gt;brut&lt;/b&gt;" in home and "<b>brut</b>" not in home
    # fragments come in their order: the example's (5) before this one (99)
    assert home.index('class="example-slot"') < home.index("&lt;b&gt;brut")
    dashboard = login("admin").get("/admin/").get_data(as_text=True)
    assert "&lt;i&gt;brut&lt;/i&gt;" in dashboard and "<i>brut</i>" not in dashboard


# -- every hook spec, exercised ------------------------------------------------------------------


def check_register_blueprints(site: Site) -> None:
    add_note(site.app, "Réunion du réseau à Dakar")
    status, body = page(site.client, "/example/")
    assert status == 200 and "Réunion du réseau à Dakar" in body
    assert site.client.get("/example/static/example.css").status_code == 200


def check_register_migrations(site: Site) -> None:
    with site.app.app_context():
        assert inspect_schema(db.engine).has_table("example_notes")
        heads = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    assert "0001_example" in heads
    branches = site.app.extensions["crpm_plugins"].migration_branches()
    assert branches["example"].endswith("crpm_example_plugin/migrations/versions")  # the hook's
    # the built-in plugins do not implement the hook: their folder is found by convention
    for name in set(branches) - {"example"}:
        assert branches[name].endswith(f"{name}/migrations/versions")
    assert site.app.extensions["crpm_plugins"].loaded.keys() <= branches.keys()


def check_register_translations(site: Site) -> None:
    assert "Notes d'exemple" in page(site.client, "/?lang=fr")[1]
    assert "Example notes" in page(site.client, "/?lang=en")[1]
    folders = site.app.extensions["crpm_plugins"].translation_folders()
    assert any(folder.endswith("crpm_example_plugin/translations") for folder in folders)
    assert any(folder.endswith("webinars/translations") for folder in folders)  # by convention


def check_register_permissions(site: Site) -> None:
    site.login("member")
    assert site.client.post_form("/example/", {"text": "Pas le droit"}).status_code == 403
    site.client.post_form("/logout")
    site.login("editor")
    assert "Add a note" in page(site.client, "/example/?lang=en")[1]
    response = site.client.post_form("/example/", {"text": "Note de l'éditrice"})
    assert response.status_code == 302
    assert "Note de l'éditrice" in page(site.client, "/example/")[1]
    with site.app.app_context():
        from crpm_cms.permissions import can
        from crpm_cms.users.services import find_by_email

        assert can(find_by_email(site.people["editor"]), "example.write", "SN")
        assert not can(find_by_email(site.people["focal_point"]), "example.write")


def check_register_settings(site: Site) -> None:
    from crpm_cms.settings.services import get_setting, save_settings

    with site.app.app_context():
        assert get_setting("example_greeting") == ""
        save_settings({"example_greeting": "bienvenue"})
    assert "BIENVENUE!" in page(site.client, "/example/")[1]


def check_register_jobs(site: Site) -> None:
    add_note(site.app, "Une")
    add_note(site.app, "Deux")
    for _ in range(2):  # idempotent: a second run finds the same
        result = cli(site.app, "jobs", "run", "example.count_notes")
        assert result.exit_code == 0
        assert "example.count_notes: 2 note(s)" in result.output
    assert note_count(site.app) == 2


def check_register_commands(site: Site) -> None:
    result = cli(site.app, "example", "add-note", "Depuis la ligne de commande")
    assert result.exit_code == 0, result.output
    assert "Depuis la ligne de commande" in page(site.client, "/example/")[1]
    empty = cli(site.app, "example", "add-note", "   ")
    assert empty.exit_code != 0
    assert note_count(site.app) == 1


def check_register_template_filters(site: Site) -> None:
    with site.app.test_request_context("/"):
        assert render_template_string("{{ 'salut'|shout }}") == "SALUT!"


def check_startup(site: Site) -> None:
    assert site.app.extensions[STATE_KEY]["started"] is True


def check_load_demo_data(site: Site) -> None:
    # `crpm demo` (tests/test_cli.py runs it) calls the hook on every run: the plugin looks first
    with site.app.app_context():
        for _ in range(2):
            site.app.extensions["crpm_plugins"].answers("load_demo_data", enabled_only=False)
    assert note_count(site.app) == 1
    assert "Note de démonstration" in page(site.client, "/example/")[1]


def check_load_reference_data(site: Site) -> None:
    # `crpm init` calls it on every run, after the core's reference data: upserted, never doubled
    from crpm_cms.cli import initialise
    from crpm_cms.taxonomies.services import terms

    with site.app.app_context():
        for _ in range(2):
            initialise("all")
        kinds = [(term.code, term.label_fr) for term in terms("example_note_kind")]
    assert kinds == [("memo", "Mémo"), ("minutes", "Compte rendu")]


def check_menu_items(site: Site) -> None:
    assert 'href="/example/"' in page(site.client, "/")[1]
    assert 'href="/example/" aria-current="page"' in page(site.client, "/example/")[1]


def check_template_slot(site: Site) -> None:
    add_note(site.app, "Une note")
    body = page(site.client, "/?lang=en")[1]
    assert '<section class="example-slot"' in body
    assert "1 note" in body
    head = body.split("</head>")[0]  # the fragment's style sheet, once, in the head
    assert head.count('<link rel="stylesheet" href="/example/static/example.css">') == 1
    assert "example.css" not in page(site.client, "/news/")[1], "only where the slot shows"


def check_dashboard_widgets(site: Site) -> None:
    add_note(site.app, "Une note")
    widgets = dashboard_widgets(site.app, site.people["admin"])
    example = next(widget for widget in widgets if widget.title == "Example notes")
    assert "1 example note(s)" in str(example.html)
    site.login("admin")
    assert "1 example note(s)" in page(site.client, "/admin/?lang=en")[1]


def check_register_search_sources(site: Site) -> None:
    from crpm_cms.plugin_system.services import set_enabled
    from crpm_cms.search.services import reindex

    add_note(site.app, "Atelier régional sur la mobilité des éleveurs")  # calls record_change
    found = site.client.get("/api/v1/search?q=eleveur").json  # the note, through its source
    assert [(hit["title"], hit["kind"]) for hit in found["results"]] == [
        ("Atelier régional sur la mobilité des éleveurs", "example_note")]
    assert found["results"][0]["url"].startswith("http://localhost/example/#note-")
    with site.app.app_context():
        set_enabled("example", False)
    assert search_total(site.client, "eleveur") == 0  # at once
    with site.app.app_context():
        set_enabled("example", True)
        reindex()  # every record again, from each source's all_documents
    assert search_total(site.client, "eleveur") == 1
    # the kind's label and the type's label, translated, on the search page
    assert "Example note" in page(site.client, "/search?q=eleveurs&ui_lang=en")[1]
    assert "Note d'exemple" in page(site.client, "/search?q=eleveurs&ui_lang=fr")[1]
    assert "Short note" in page(site.client, "/search?q=eleveurs&ui_lang=en")[1]
    assert "Note brève" in page(site.client, "/search?q=eleveurs&ui_lang=fr")[1]


def check_openapi_paths(site: Site) -> None:
    from openapi_spec_validator import validate

    from crpm_cms.plugin_system.services import set_enabled

    add_note(site.app, "Compte rendu de l'atelier")
    document = site.client.get("/api/v1/openapi.json").json
    validate(document)
    assert "ExampleNote" in document["components"]["schemas"]
    assert "get" in document["paths"]["/example-notes"]
    assert "/news" in document["paths"], "the core's paths stay"
    answer = site.client.get("/api/v1/example-notes").json
    assert [note["text"] for note in answer["results"]] == ["Compte rendu de l'atelier"]
    with site.app.app_context():
        set_enabled("example", False)
    assert "/example-notes" not in site.client.get("/api/v1/openapi.json").json["paths"]
    assert site.client.get("/api/v1/example-notes").status_code == 404


def check_api_extensions(site: Site) -> None:
    from crpm_cms.organisations.services import OrganisationData, save
    from crpm_cms.plugin_system.services import set_enabled

    with site.app.app_context():
        for name in ("Amicale des Guinéens", "Bureau des Comoriens"):
            save(None, OrganisationData(name=name, kind="cso", country_code="SN"), actor=None)
    answer = site.client.get("/api/v1/organisations?example_initial=B").json  # its filter
    assert [item["name"] for item in answer["results"]] == ["Bureau des Comoriens"]
    assert site.client.get("/api/v1/organisations").json["total"] == 2
    listed = site.client.get("/api/v1/organisations").json["results"][0]  # its field
    assert listed["example_shout"] == listed["name"].upper() + "!"
    one = site.client.get(f"/api/v1/organisations/{listed['slug']}").json
    assert one["example_shout"] == listed["example_shout"]
    assert one["name"] == listed["name"], "the core's fields are untouched"
    described = site.client.get("/api/v1/openapi.json").json  # and both, described once
    names = [p["name"] for p in described["paths"]["/organisations"]["get"]["parameters"]]
    assert "example_initial" in names
    assert "example_shout" in described["components"]["schemas"]["Organisation"]["properties"]
    with site.app.app_context():
        set_enabled("example", False)
    assert "example_shout" not in site.client.get("/api/v1/organisations").json["results"][0]
    assert site.client.get("/api/v1/organisations?example_initial=B").json["total"] == 2
    described = site.client.get("/api/v1/openapi.json").json
    assert "example_shout" not in described["components"]["schemas"]["Organisation"]["properties"]


def check_extra_csp_sources(site: Site) -> None:
    from crpm_example_plugin.plugin import EXAMPLE_IMAGES

    from crpm_cms.plugin_system.services import set_enabled

    policy = site.client.get("/example/").headers["Content-Security-Policy"]
    assert f"img-src 'self' data: {EXAMPLE_IMAGES};" in policy
    assert "script-src 'self';" in policy, "the rest of the policy stays strict"
    assert EXAMPLE_IMAGES not in site.client.get("/").headers["Content-Security-Policy"]
    with site.app.app_context():
        set_enabled("example", False)
    assert EXAMPLE_IMAGES not in site.client.get("/example/").headers["Content-Security-Policy"]


def check_handle_event(site: Site) -> None:
    save_an_organisation(site.app)
    assert recorded_events(site.app)[-1] == "organisation.saved"


HOOK_CHECKS: dict[str, Callable[[Site], None]] = {
    name.removeprefix("check_"): check
    for name, check in dict(globals()).items() if name.startswith("check_")
}


def test_every_hook_spec_has_a_check() -> None:
    assert sorted(HOOK_CHECKS) == HOOK_NAMES


@pytest.mark.parametrize("hook_name", HOOK_NAMES)
def test_each_hook_has_an_observable_effect(hook_name: str, app: Flask, client: FlaskClient,  # type: ignore[no-untyped-def]
                                            login, people) -> None:
    implementers = getattr(app.extensions["crpm_plugins"].pm.hook, hook_name).get_hookimpls()
    assert "example" in [impl.plugin_name for impl in implementers]
    assert hook_name in HOOK_CHECKS, f"add check_{hook_name} to tests/test_plugins.py"
    HOOK_CHECKS[hook_name](Site(app, client, login, people))


# -- enabled and disabled ------------------------------------------------------------------------


@pytest.fixture
def admin(app: Flask, client: FlaskClient, people: dict[str, str]) -> FlaskClient:
    """A second browser, signed in as the admin (the ``client`` stays anonymous)."""
    from crpm_cms.testing import sign_in

    browser = app.test_client()
    sign_in(browser, people["admin"])
    return browser


def switch_with_cli(app: Flask, admin: FlaskClient, enabled: bool) -> None:
    result = cli(app, "plugins", "enable" if enabled else "disable", "example")
    assert result.exit_code == 0, result.output
    assert f"example: {'enabled' if enabled else 'disabled'}." in result.output


def switch_with_service(app: Flask, admin: FlaskClient, enabled: bool) -> None:
    from crpm_cms.plugin_system.services import set_enabled

    with app.app_context():
        set_enabled("example", enabled)


def switch_with_admin_page(app: Flask, admin: FlaskClient, enabled: bool) -> None:
    response = admin.post_form("/admin/plugins/example", {"enabled": "1" if enabled else "0"})
    assert response.status_code == 302
    listed = page(admin, "/admin/plugins?lang=en")[1]
    row = listed[listed.index('id="plugin-example"'):].split("</tr>")[0]
    assert ("Disable" if enabled else "Enable") in row


@pytest.mark.parametrize("switch", [switch_with_cli, switch_with_service, switch_with_admin_page])
def test_disabling_hides_everything_and_keeps_the_data(switch: Callable, app: Flask,
                                                      client: FlaskClient,
                                                      admin: FlaskClient) -> None:
    add_note(app, "Gardée pendant la pause")
    assert_example_visible(app, client, admin, visible=True)

    switch(app, admin, False)
    assert_example_visible(app, client, admin, visible=False)
    assert note_count(app) == 1
    with app.app_context():
        assert inspect_schema(db.engine).has_table("example_notes")

    switch(app, admin, True)
    assert_example_visible(app, client, admin, visible=True)
    assert "Gardée pendant la pause" in page(client, "/example/")[1]


def test_events_reach_only_enabled_plugins(app: Flask) -> None:
    switch_with_cli(app, app.test_client(), False)
    switch_with_cli(app, app.test_client(), True)
    events = recorded_events(app)
    assert "plugin.disabled" not in events  # it was already off when that was announced
    assert events[-1] == "plugin.enabled"


def enabled_in_database(app: Flask) -> bool | None:
    from crpm_cms.plugin_system.models import PluginState

    with app.app_context():
        return db.session.scalar(select(PluginState.enabled).where(PluginState.name == "example"))


def test_an_unknown_plugin_name_is_a_clear_cli_error(app: Flask) -> None:
    for action in ("enable", "disable"):
        result = cli(app, "plugins", action, "nope")
        assert result.exit_code == 1
        assert "No loaded plugin is called 'nope'" in result.output
    with app.app_context():
        from crpm_cms.plugin_system.models import PluginState

        assert db.session.get(PluginState, "nope") is None
    assert enabled_in_database(app) is True


def test_only_an_admin_may_toggle_and_only_a_loaded_plugin(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    editor = login("editor")
    assert editor.post_form("/admin/plugins/example", {"enabled": "0"}).status_code == 403
    assert enabled_in_database(app) is True
    editor.post_form("/logout")
    admin = login("admin")
    assert admin.post_form("/admin/plugins/nope", {"enabled": "0"}).status_code == 404
    assert admin.post_form("/admin/plugins/example", {"enabled": "maybe"}).status_code == 400
    assert admin.post("/admin/plugins/example", data={"enabled": "0"}).status_code == 400  # CSRF
    assert enabled_in_database(app) is True


def test_a_bad_note_gets_a_translated_error_and_changes_nothing(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    editor = login("editor")
    for text_typed, error in (("   ", "La note est vide."),
                              ("x" * 501, "Une note compte au plus 500 caractères.")):
        response = editor.post_form("/example/?lang=fr", {"text": text_typed})
        assert response.status_code == 400
        assert error in html.unescape(response.get_data(as_text=True))
    assert note_count(app) == 0
