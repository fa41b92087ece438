"""Every route against every kind of visitor: anonymous, member, editor, editor of another
country, focal point and admin. A new route fails this test until its row is written here."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask

from crpm_cms.extensions import db
from crpm_cms.organisations import services as organisations
from crpm_cms.testing import PASSWORD, Client
from crpm_cms.users import services as accounts
from tests.files.library import matrix_documents

ROLES = ("anonymous", "member", "editor", "editor_other_country", "focal_point", "admin")
LOGIN = 302  # anonymous visitors are sent to the sign-in page

# status by role, in the order of ROLES
EVERYONE = (200,) * 6
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200)
ADMIN_ONLY = (LOGIN, 403, 403, 403, 403, 200)
ANONYMOUS_ONLY = (200, 302, 302, 302, 302, 302)

# (endpoint, method, path, form data) → expected status per role
MATRIX: list[tuple[str, str, str, dict[str, str], tuple[int, ...]]] = [
    ("site.home", "GET", "/", {}, EVERYONE),
    ("site.legal_notice", "GET", "/legal", {}, EVERYONE),
    ("site.privacy", "GET", "/privacy", {}, EVERYONE),
    ("site.logo", "GET", "/logo", {}, (404,) * 6),  # no logo uploaded
    ("theme_static", "GET", "/theme/site.css", {}, EVERYONE),
    ("users.login", "GET", "/login", {}, ANONYMOUS_ONLY),
    ("users.logout", "POST", "/logout", {}, (302,) * 6),
    ("users.login", "POST", "/login", {}, (400,) + (302,) * 5),
    ("users.register", "GET", "/register", {}, ANONYMOUS_ONLY),
    ("users.register", "POST", "/register", {}, (400,) + (302,) * 5),
    ("users.forgot_password", "GET", "/password/forgot", {}, EVERYONE),
    ("users.forgot_password", "POST", "/password/forgot", {}, (400,) * 6),
    ("users.reset_password", "GET", "/password/reset/not-a-token", {}, EVERYONE),
    ("users.reset_password", "POST", "/password/reset/not-a-token", {}, (400,) * 6),
    ("users.accept_invitation", "GET", "/invitation/not-a-token", {}, EVERYONE),
    ("users.accept_invitation", "POST", "/invitation/not-a-token", {}, (400,) * 6),
    ("users.account", "GET", "/account", {}, SIGNED_IN),
    ("users.update_profile", "POST", "/account", {}, (LOGIN, 400, 400, 400, 400, 400)),
    ("users.change_password", "POST", "/account/password", {}, (LOGIN, 400, 400, 400, 400, 400)),
    ("users.create_token", "POST", "/account/tokens", {}, (LOGIN, 400, 400, 400, 400, 400)),
    ("users.revoke_token", "POST", "/account/tokens/{token_id}/revoke", {}, (LOGIN,) + (302,) * 5),
    ("users.delete_account", "POST", "/account/delete", {}, (LOGIN, 400, 400, 400, 400, 400)),
    ("organisations.index", "GET", "/organisations/", {}, EVERYONE),
    ("organisations.detail", "GET", "/organisations/{public}", {}, EVERYONE),
    ("organisations.detail", "GET", "/organisations/{members_only}", {}, (404,) + (200,) * 5),
    ("organisations.logo", "GET", "/organisations/{public}/logo", {}, (404,) * 6),
    ("organisations.create", "GET", "/organisations/new", {}, (LOGIN, 403, 403, 403, 200, 200)),
    ("organisations.create", "POST", "/organisations/new", {}, (LOGIN, 403, 403, 403, 400, 400)),
    ("organisations.edit", "GET", "/organisations/{public}/edit", {},
     (LOGIN, 403, 200, 403, 200, 200)),
    ("organisations.edit", "POST", "/organisations/{public}/edit", {},
     (LOGIN, 403, 400, 403, 400, 400)),
    ("organisations.delete", "GET", "/organisations/{public}/delete", {}, ADMIN_ONLY),
    ("admin.dashboard", "GET", "/admin/", {}, ADMIN_ONLY),
    ("admin.users", "GET", "/admin/users", {}, ADMIN_ONLY),
    ("admin.user", "GET", "/admin/users/{member_id}", {}, ADMIN_ONLY),
    ("admin.user", "POST", "/admin/users/{member_id}", {}, (LOGIN, 403, 403, 403, 403, 302)),
    ("admin.user_status", "POST", "/admin/users/{member_id}/status", {"action": "nonsense"},
     (LOGIN, 403, 403, 403, 403, 400)),
    ("admin.invite", "GET", "/admin/users/invite", {}, ADMIN_ONLY),
    ("admin.invite", "POST", "/admin/users/invite", {}, (LOGIN, 403, 403, 403, 403, 400)),
    ("admin.organisations", "GET", "/admin/organisations", {}, ADMIN_ONLY),
    ("admin.plugins", "GET", "/admin/plugins", {}, ADMIN_ONLY),
    ("admin.toggle_plugin", "POST", "/admin/plugins/no_such_plugin", {"enabled": "1"},
     (LOGIN, 403, 403, 403, 403, 404)),
    ("admin.settings", "GET", "/admin/settings", {}, ADMIN_ONLY),
    ("admin.settings", "POST", "/admin/settings", {}, (LOGIN, 403, 403, 403, 403, 400)),
    ("api.index", "GET", "/api/v1/", {}, EVERYONE),
    ("api.openapi", "GET", "/api/v1/openapi.json", {}, EVERYONE),
    ("api.me", "GET", "/api/v1/me", {}, (401, 200, 200, 200, 200, 200)),
    ("api.organisations", "GET", "/api/v1/organisations", {}, EVERYONE),
    ("api.organisation", "GET", "/api/v1/organisations/{members_only}", {},
     (404,) + (200,) * 5),
    ("api.list_countries", "GET", "/api/v1/countries", {}, EVERYONE),
    ("api.themes", "GET", "/api/v1/themes", {}, EVERYONE),
    # -- content rows (news, publications, pages, editor) --
    # These rows run in order: the POST to /editor/new/news makes item 1 (the SN editor's) and
    # item 2 (the admin's), both news of Senegal named "Matrice"; the rows after use item 1.
    ("site.about", "GET", "/about", {}, EVERYONE),
    ("site.contact", "GET", "/contact", {}, EVERYONE),
    ("content.news", "GET", "/news/", {}, EVERYONE),
    ("content.publications", "GET", "/notes/?type=study", {}, EVERYONE),
    ("content.publication", "GET", "/notes/no-such-note", {}, (404,) * 6),
    ("content.cover", "GET", "/content/images/no-such-image.png", {}, (404,) * 6),
    ("content.dashboard", "GET", "/editor/", {}, (LOGIN, 403, 200, 200, 403, 200)),
    ("content.create", "GET", "/editor/new/news", {}, (LOGIN, 403, 200, 200, 403, 200)),
    ("content.create", "GET", "/editor/new/page", {}, (LOGIN, 403, 403, 403, 403, 200)),
    ("content.create", "POST", "/editor/new/news",
     {"title": "Matrice", "language": "fr", "country": "SN", "translation_of": "0"},
     (LOGIN, 403, 302, 400, 403, 302)),  # SN is not a country of the CI editor
    ("content.upload_image", "POST", "/editor/images", {}, (LOGIN, 403, 400, 400, 403, 400)),
    ("content.edit", "GET", "/editor/1/edit", {}, (LOGIN, 403, 200, 403, 403, 200)),
    ("content.edit", "POST", "/editor/1/edit", {}, (LOGIN, 403, 400, 403, 403, 400)),
    ("content.news_item", "GET", "/news/matrice", {}, (404, 404, 200, 404, 404, 200)),  # draft
    ("content.revisions", "GET", "/editor/1/revisions", {}, (LOGIN, 403, 200, 403, 403, 200)),
    ("content.compare", "GET", "/editor/1/revisions/compare?a=1&b=1", {},
     (LOGIN, 403, 200, 403, 403, 200)),
    ("content.restore", "POST", "/editor/1/revisions/1/restore", {"version": "1"},
     (LOGIN, 403, 302, 403, 403, 409)),  # the editor restores first: the admin's is stale
    ("content.transition", "POST", "/editor/1/workflow/submit", {},
     (LOGIN, 403, 302, 403, 403, 302)),  # the admin's answer: "already submitted"
    ("content.transition", "POST", "/editor/1/workflow/publish", {},
     (LOGIN, 403, 302, 403, 403, 302)),
    ("content.news_item", "GET", "/news/matrice", {}, EVERYONE),  # now published
    # -- library rows --
    ("library.index", "GET", "/library/", {}, EVERYONE),
    ("library.detail", "GET", "/library/{library_public}", {}, EVERYONE),
    ("library.detail", "GET", "/library/{library_members}", {}, (404,) + (200,) * 5),
    ("library.download", "GET", "/library/{library_public}/download", {}, EVERYONE),
    ("library.download", "GET", "/library/{library_members}/download", {},
     (404,) + (200,) * 5),
    ("library.upload", "GET", "/library/new", {}, (LOGIN, 403, 200, 200, 200, 200)),
    ("library.upload", "POST", "/library/new", {}, (LOGIN, 403, 400, 400, 400, 400)),
    # only the uploader (the editor of Senegal) and admins edit a document
    ("library.edit", "GET", "/library/{library_public}/edit", {},
     (LOGIN, 403, 200, 403, 403, 200)),
    ("library.edit", "POST", "/library/{library_public}/edit", {},
     (LOGIN, 403, 400, 403, 403, 400)),
    ("library.delete", "GET", "/library/{library_public}/delete", {}, ADMIN_ONLY),
    ("library.delete", "POST", "/library/{library_doomed}/delete", {},
     (LOGIN, 403, 403, 403, 403, 302)),
    # -- feeds, sitemap and API rows --
    ("feeds.news", "GET", "/feeds/news.atom", {}, EVERYONE),
    ("feeds.publications", "GET", "/feeds/publications.atom", {}, EVERYONE),
    ("feeds.sitemap", "GET", "/sitemap.xml", {}, EVERYONE),
    ("feeds.robots", "GET", "/robots.txt", {}, EVERYONE),
    ("api.news", "GET", "/api/v1/news", {}, EVERYONE),
    ("api.news_item", "GET", "/api/v1/news/no-such-item", {}, (404,) * 6),
    ("api.publications", "GET", "/api/v1/publications", {}, EVERYONE),
    ("api.publication", "GET", "/api/v1/publications/no-such-item", {}, (404,) * 6),
    ("api.documents", "GET", "/api/v1/documents", {}, EVERYONE),
    ("api.document", "GET", "/api/v1/documents/no-such-document", {}, (404,) * 6),
    # API writes need a Bearer token: a signed-in browser's session cookie is refused (401).
    ("api.create_news", "POST", "/api/v1/news", {}, (401,) * 6),
    ("api.create_publication", "POST", "/api/v1/publications", {}, (401,) * 6),
    ("api.create_document", "POST", "/api/v1/documents", {}, (401,) * 6),
    ("organisations.delete", "POST", "/organisations/{members_only}/delete", {},
     (LOGIN, 403, 403, 403, 403, 302)),  # the admin deletes it: keep this row after the others
]
# Routes of the throwaway test plugin, checked when it is installed and loaded.
PLUGIN_MATRIX = [
    ("example.index", "GET", "/example/", {}, EVERYONE),
    ("example.static", "GET", "/example/static/example.css", {}, EVERYONE),
    ("example.add", "POST", "/example/", {"text": "Bonjour"}, (LOGIN, 403, 302, 302, 403, 302)),
]
NOT_CHECKED = {"static"}  # Flask's own static route: the core ships no file there yet


def plugin_row_modules(app: Flask) -> list[ModuleType]:
    """More rows, kept beside the code they check: ``tests/matrix_core_<domain>.py`` always, and
    ``tests/matrix_<plugin>.py`` of each loaded plugin. Each has ``ROWS`` and, optionally,
    ``fixtures(app, people) -> dict`` for the placeholders those rows use."""
    here = Path(__file__).parent
    names = [path.stem for path in sorted(here.glob("matrix_core_*.py"))]
    names += [f"matrix_{name}" for name in sorted(app.extensions["crpm_plugins"].loaded)
              if (here / f"matrix_{name}.py").exists()]
    return [importlib.import_module(f"tests.{name}") for name in names]


def fixtures(app: Flask, people: dict[str, str]) -> dict[str, object]:
    plugin_values: dict[str, object] = {}
    for module in plugin_row_modules(app):
        if hasattr(module, "fixtures"):
            plugin_values |= module.fixtures(app, people)
    with app.app_context():
        data = organisations.OrganisationData
        public = organisations.save(None, data(name="Réseau sénégalais", kind="network",
                                               country_code="SN"), None)
        hidden = organisations.save(None, data(name="Collectif discret", kind="cso",
                                               country_code="SN", visibility="members"), None)
        member = accounts.find_by_email(people["member"])
        token = accounts.create_api_token(member, "matrix").token
        return {"public": public.slug, "members_only": hidden.slug, "member_id": member.id,
                "token_id": token.id, **matrix_documents(app, people), **plugin_values}


def status_for(app: Flask, people: dict[str, str], role: str, method: str, path: str,
               data: dict[str, str]) -> int:
    app.test_client_class = Client
    client = app.test_client()
    if role != "anonymous":
        client.post_form("/login", {"email": people[role], "password": PASSWORD})
    if method == "GET":
        return client.get(path).status_code
    return client.post_form(path, data).status_code


def rows(app: Flask) -> list[tuple[str, str, str, dict[str, str], tuple[int, ...]]]:
    loaded = app.extensions["crpm_plugins"].loaded
    plugin_rows = [row for module in plugin_row_modules(app) for row in module.ROWS]
    # the last core row deletes an organisation: plugin rows run before it
    return (MATRIX[:-1] + (PLUGIN_MATRIX if "example" in loaded else []) + plugin_rows
            + MATRIX[-1:])


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    covered = {(endpoint, method) for endpoint, method, *_ in rows(app)}
    missing = sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules() if rule.endpoint not in NOT_CHECKED
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
        if (rule.endpoint, method) not in covered
    )
    assert not missing, f"routes without a row in the permission matrix: {missing}"


def test_permission_matrix(app: Flask, people: dict[str, str]) -> None:
    values = fixtures(app, people)
    failures = []
    for endpoint, method, path, data, expected in rows(app):
        for role, wanted in zip(ROLES, expected, strict=True):
            got = status_for(app, people, role, method, path.format(**values), data)
            if got != wanted:
                failures.append(f"{endpoint} {method} as {role}: {got}, expected {wanted}")
        with app.app_context():
            db.session.remove()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["member", "editor_other_country"])
def test_forbidden_changes_change_nothing(app: Flask, people: dict[str, str], role: str) -> None:
    values = fixtures(app, people)
    path = f"/organisations/{values['public']}/edit"
    status = status_for(app, people, role, "POST", path,
                        {"name": "Pris en otage", "kind": "cso", "country_code": "SN"})
    assert status == 403
    with app.app_context():
        assert organisations.get_visible(None, str(values["public"])).name == "Réseau sénégalais"
