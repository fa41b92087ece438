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
from crpm_cms.testing import Client, client_of, sign_in
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
NOT_CHECKED = {"static"}  # Flask's own static route: the core ships no file there yet
# Rows that end the visitor's session: each role signs in again after them.
SIGNS_OUT = {"users.logout"}

Row = tuple[str, str, str, dict[str, str], tuple[int, ...]]
HERE = Path(__file__).parent
PLUGINS = HERE.parent / "plugins"
# Groups of rows, each checked by its own test on its own app and data (so parallel workers
# share them): the core's rows above, then more rows kept beside the code they check, in
# ``tests/matrix_core_<domain>.py`` and ``tests/matrix_example.py`` (always) and
# ``plugins/<plugin>/tests/matrix.py`` (when the plugin is loaded). Each of those has ``ROWS``
# and, optionally, ``fixtures(app, people) -> dict`` for the placeholders its rows use. The rows
# of a group run in order.
GROUPS = ["core", *sorted(path.stem.removeprefix("matrix_") for path in HERE.glob("matrix_*.py")),
          *sorted(path.parent.parent.name for path in PLUGINS.glob("*/tests/matrix.py"))]


def row_module(group: str) -> ModuleType:
    if (HERE / f"matrix_{group}.py").exists():
        return importlib.import_module(f"tests.matrix_{group}")
    return importlib.import_module(f"plugins.{group}.tests.matrix")


def is_loaded(app: Flask, group: str) -> bool:
    return (group == "core" or group.startswith("core_")
            or group in app.extensions["crpm_plugins"].loaded)


def group_rows(group: str) -> list[Row]:
    return MATRIX if group == "core" else row_module(group).ROWS


def rows(app: Flask) -> list[Row]:
    """The rows of every group the app loads."""
    return [row for group in GROUPS if is_loaded(app, group) for row in group_rows(group)]


def core_fixtures(app: Flask, people: dict[str, str]) -> dict[str, object]:
    with app.app_context():
        data = organisations.OrganisationData
        public = organisations.save(None, data(name="Réseau sénégalais", kind="network",
                                               country_code="SN"), None)
        hidden = organisations.save(None, data(name="Collectif discret", kind="cso",
                                               country_code="SN", visibility="members"), None)
        member = accounts.find_by_email(people["member"])
        token = accounts.create_api_token(member, "matrix").token
        return {"public": public.slug, "members_only": hidden.slug, "member_id": member.id,
                "token_id": token.id, **matrix_documents(app, people)}


def fixtures(app: Flask, people: dict[str, str], group: str) -> dict[str, object]:
    if group == "core":
        return core_fixtures(app, people)
    module = row_module(group)
    return module.fixtures(app, people) if hasattr(module, "fixtures") else {}


def visitor(app: Flask, people: dict[str, str], role: str) -> Client:
    """A browser of its own, signed in as ``role`` (unless anonymous)."""
    client = client_of(app)
    if role != "anonymous":
        sign_in(client, people[role])
    return client


def visitors(app: Flask, people: dict[str, str]) -> dict[str, Client]:
    """One browser per role of ``ROLES``, each signed in once."""
    return {role: visitor(app, people, role) for role in ROLES}


def status_of(client: Client, method: str, path: str, data: dict[str, str]) -> int:
    if method == "GET":
        return client.get(path).status_code
    return client.post_form(path, data).status_code


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    covered = {(endpoint, method) for endpoint, method, *_ in rows(app)}
    missing = sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules() if rule.endpoint not in NOT_CHECKED
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
        if (rule.endpoint, method) not in covered
    )
    assert not missing, f"routes without a row in the permission matrix: {missing}"


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.slow  # hundreds of requests
def test_permission_matrix(app: Flask, people: dict[str, str], group: str) -> None:
    if not is_loaded(app, group):
        pytest.skip(f"the {group} plugin is not loaded")
    values = fixtures(app, people, group)
    browsers = visitors(app, people)
    failures = []
    for endpoint, method, path, data, expected in group_rows(group):
        for role, wanted in zip(ROLES, expected, strict=True):
            got = status_of(browsers[role], method, path.format(**values), data)
            if got != wanted:
                failures.append(f"{endpoint} {method} as {role}: {got}, expected {wanted}")
        if endpoint in SIGNS_OUT:
            browsers = visitors(app, people)
        with app.app_context():
            db.session.remove()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["member", "editor_other_country"])
def test_forbidden_changes_change_nothing(app: Flask, people: dict[str, str], role: str) -> None:
    values = core_fixtures(app, people)
    path = f"/organisations/{values['public']}/edit"
    status = status_of(visitor(app, people, role), "POST", path,
                       {"name": "Pris en otage", "kind": "cso", "country_code": "SN"})
    assert status == 403
    with app.app_context():
        assert organisations.get_visible(None, str(values["public"])).name == "Réseau sénégalais"
