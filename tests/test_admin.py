"""The administration: access, accounts (approval, roles, invitations), plugins, settings."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.organisations import services as organisations
from crpm_cms.organisations.models import Organisation
from crpm_cms.settings.services import get_setting
from crpm_cms.testing import PASSWORD, Client, sign_in
from crpm_cms.users import services as users
from crpm_cms.users.models import User

ADMIN_PAGES = ["/admin/", "/admin/users", "/admin/users/invite", "/admin/organisations",
               "/admin/plugins", "/admin/settings"]


def account(app, email: str) -> User:
    with app.app_context():
        user = users.find_by_email(email)
        assert user is not None
        user.roles  # noqa: B018 - load the roles before leaving the session
        db.session.expunge(user)
        return user


def roles_of(app, email: str) -> set[tuple[str, str | None]]:
    return {(a.role, a.country_code) for a in account(app, email).roles}


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_pages_are_for_admins_only(client, people, page):
    response = client.get(page)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for role in ("member", "editor", "focal_point"):
        sign_in(client, people[role])
        assert client.get(page).status_code == 403, role
        client.post_form("/logout")
    sign_in(client, people["admin"])
    assert client.get(page).status_code == 200


def test_dashboard_counts_accounts_and_shows_the_core_widget(app, login):
    with app.app_context():
        users.create_user("waiting@test.crpm", "Awa Waiting", PASSWORD, status="pending")
        organisations.save(None, organisations.OrganisationData("ONG Test", "cso", "SN"), None)
    page = login("admin").get("/admin/?lang=en").get_data(as_text=True)
    assert re.search(r"<strong>1</strong> Waiting for approval", page)
    assert re.search(r"<strong>5</strong> Active", page)
    assert re.search(r"<strong>1</strong> Organisations", page)
    assert "1 account(s) waiting for approval" in page
    assert 'class="admin-nav"' in page and 'aria-current="page"' in page


# -- accounts ----------------------------------------------------------------------------------


def test_users_list_filters_by_status_and_text(app, login):
    with app.app_context():
        users.create_user("waiting@test.crpm", "Awa Waiting", PASSWORD, status="pending")
    client = login("admin")
    page = client.get("/admin/users?status=pending").get_data(as_text=True)
    assert "waiting@test.crpm" in page and "member@test.crpm" not in page
    assert '<option selected value="pending">' in page
    page = client.get("/admin/users?q=focal").get_data(as_text=True)
    assert "focal_point@test.crpm" in page and "member@test.crpm" not in page
    assert client.get("/admin/users?status=bogus&page=zzz").status_code == 200


def test_approving_an_account_activates_it_and_mails_the_person(mail_app):
    app, inbox = mail_app
    app.test_client_class = Client
    client = app.test_client()
    with app.app_context():
        users.set_roles(users.create_user("boss@test.crpm", "Boss", PASSWORD), [("admin", None)])
        waiting = users.create_user("awa@test.crpm", "Awa Diop", PASSWORD, status="pending",
                                    language="en").id
    sign_in(client, "boss@test.crpm")
    response = client.post_form(f"/admin/users/{waiting}/status", {"action": "approve"})
    assert response.status_code == 302
    assert account(app, "awa@test.crpm").status == "active"
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "awa@test.crpm"
    assert message["Subject"] == "Your account is active"
    assert "http://localhost/login" in inbox.body()
    client.post_form("/logout")
    sign_in(client, "awa@test.crpm")


def test_disable_and_enable_again(app, login, people):
    client = login("admin")
    member = account(app, people["member"])
    client.post_form(f"/admin/users/{member.id}/status", {"action": "disable"})
    assert account(app, people["member"]).status == "disabled"
    other = app.test_client()
    assert other.post_form("/login", {"email": people["member"],
                                      "password": PASSWORD}).status_code != 302
    client.post_form(f"/admin/users/{member.id}/status", {"action": "enable"})
    assert account(app, people["member"]).status == "active"
    # approving an active account does not apply, and changes nothing
    response = client.post_form(f"/admin/users/{member.id}/status?lang=en", {"action": "approve"},
                                follow_redirects=True)
    assert "does not apply" in response.get_data(as_text=True)
    assert client.post_form(f"/admin/users/{member.id}/status", {"action": "explode"}
                            ).status_code == 400
    assert client.get("/admin/users/999999").status_code == 404


def test_an_admin_cannot_disable_their_own_account(app, login, people):
    client = login("admin")
    me = account(app, people["admin"])
    client.post_form(f"/admin/users/{me.id}/status", {"action": "disable"})
    assert account(app, people["admin"]).status == "active"


def test_roles_scopes_and_organisation_are_saved(app, login, people):
    with app.app_context():
        organisation_id = organisations.save(
            None, organisations.OrganisationData("ONG Test", "cso", "SN"), None).id
    client = login("admin")
    member = account(app, people["member"])
    response = client.post_form(f"/admin/users/{member.id}", {
        "editor": "y", "editor_countries": ["SN", "CI"], "focal_point": "y",
        "organisation": str(organisation_id)})
    assert response.status_code == 302
    assert roles_of(app, people["member"]) == {("editor", "SN"), ("editor", "CI"),
                                               ("focal_point", None)}
    assert account(app, people["member"]).organisation_id == organisation_id
    page = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert re.search(r'<option selected value="SN">', page)
    assert re.search(r'name="editor"[^>]*checked|checked[^>]*name="editor"', page)

    client.post_form(f"/admin/users/{member.id}", {"organisation": "0"})
    assert roles_of(app, people["member"]) == set()
    assert account(app, people["member"]).organisation_id is None


def test_a_country_that_does_not_exist_is_refused(app, login, people):
    client = login("admin")
    editor = account(app, people["editor"])
    response = client.post_form(f"/admin/users/{editor.id}", {"editor": "y",
                                                              "editor_countries": ["ZZ"]})
    assert response.status_code == 400
    assert roles_of(app, people["editor"]) == {("editor", "SN")}


def test_the_last_admin_keeps_the_admin_role(app, login, people):
    client = login("admin")
    me = account(app, people["admin"])
    response = client.post_form(f"/admin/users/{me.id}?lang=en", {"editor": "y"})
    assert response.status_code == 400
    assert "last administrator" in response.get_data(as_text=True)
    assert roles_of(app, people["admin"]) == {("admin", None)}


def test_invitation_end_to_end(mail_app):
    app, inbox = mail_app
    app.test_client_class = Client
    client = app.test_client()
    with app.app_context():
        users.set_roles(users.create_user("boss@test.crpm", "Boss Admin", PASSWORD),
                        [("admin", None)])
    sign_in(client, "boss@test.crpm")
    response = client.post_form("/admin/users/invite", {
        "email": "Fatou@Example.org", "display_name": "Fatou Sall", "language": "fr",
        "focal_point": "y", "focal_point_countries": ["SN"], "organisation": "0"})
    assert response.status_code == 302
    invited = account(app, "fatou@example.org")
    assert invited.status == "invited" and invited.password_hash is None
    assert roles_of(app, "fatou@example.org") == {("focal_point", "SN")}

    # the same address again is refused
    again = client.post_form("/admin/users/invite?lang=en", {
        "email": "fatou@example.org", "display_name": "Fatou", "language": "fr",
        "organisation": "0"})
    assert again.status_code == 400
    assert "already exists" in again.get_data(as_text=True)

    assert len(inbox.messages) == 1
    assert inbox.messages[0]["To"] == "fatou@example.org"
    assert "Boss Admin" in inbox.body()
    link = re.search(r"http://localhost(/invitation/\S+)", inbox.body()).group(1)
    client.post_form("/logout")
    response = client.post_form(link, {"display_name": "Fatou Sall", "password": "un mot de passe",
                                       "confirm": "un mot de passe"})
    assert response.status_code == 302
    assert account(app, "fatou@example.org").status == "active"
    client.post_form("/logout")
    sign_in(client, "fatou@example.org", "un mot de passe")


# -- organisations ---------------------------------------------------------------------------------


def test_organisations_table_links_to_edit_and_delete(app, login):
    with app.app_context():
        slug = organisations.save(None, organisations.OrganisationData(
            "Cercle Privé", "cso", "SN", visibility="members"), None).slug
    page = login("admin").get("/admin/organisations").get_data(as_text=True)
    assert "Cercle Privé" in page
    assert f"/organisations/{slug}/edit" in page and f"/organisations/{slug}/delete" in page
    assert "/organisations/new" in page


# -- plugins ---------------------------------------------------------------------------------------


def test_plugins_page_lists_the_installed_plugins(app, login):
    with app.app_context():
        installed = sorted(app.extensions["crpm_plugins"].installed)
    page = login("admin").get("/admin/plugins").get_data(as_text=True)
    for name in installed:
        assert f'id="plugin-{name}"' in page


def test_unknown_plugin_is_404_and_bad_value_is_400(app, login):
    client = login("admin")
    assert client.post_form("/admin/plugins/no_such_plugin", {"enabled": "1"}).status_code == 404
    loaded = list(app.extensions["crpm_plugins"].loaded)
    if loaded:
        assert client.post_form(f"/admin/plugins/{loaded[0]}",
                                {"enabled": "maybe"}).status_code == 400


def test_a_loaded_plugin_is_toggled_from_the_page(app, login):
    loaded = list(app.extensions["crpm_plugins"].loaded)
    if not loaded:
        pytest.skip("no plugin is installed in this environment")
    name = loaded[0]
    client = login("admin")
    for value, label in (("0", "Enable"), ("1", "Disable")):
        response = client.post_form(f"/admin/plugins/{name}?lang=en", {"enabled": value},
                                    follow_redirects=True)
        row = re.search(rf'<tr id="plugin-{name}">.*?</tr>', response.get_data(as_text=True),
                        re.S).group(0)
        assert f">{label}</button>" in row
        with app.app_context():
            assert app.extensions["crpm_plugins"].is_enabled(name) == (value == "1")


# -- settings --------------------------------------------------------------------------------------


def png_upload() -> tuple[io.BytesIO, str]:
    buffer = io.BytesIO()
    Image.new("RGB", (512, 512), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer, "logo.png"


SETTINGS = {"site_name": "Réseau CRPM Sénégal", "country": "SN",
            "contact_email": "contact@crpm.sn", "registration_mode": "invitation"}


def test_settings_are_saved_and_shown(app, client, login):
    admin = login("admin")
    response = admin.post_form("/admin/settings", {**SETTINGS, "logo": png_upload()},
                               content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        assert get_setting("country") == "SN"
        assert get_setting("registration_mode") == "invitation"
        logo = get_setting("logo")
    assert logo
    home = client.get("/").get_data(as_text=True)
    assert "· Réseau CRPM Sénégal</title>" in home
    assert "mailto:contact@crpm.sn" in home
    served = client.get("/logo")
    assert served.status_code == 200
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.size == (256, 256)
    form = admin.get("/admin/settings").get_data(as_text=True)
    assert 'value="Réseau CRPM Sénégal"' in form and '<option selected value="SN">' in form

    admin.post_form("/admin/settings", {**SETTINGS, "remove_logo": "y"})
    with app.app_context():
        assert get_setting("logo") == ""
    assert client.get("/logo").status_code == 404


@pytest.mark.parametrize("changes, message", [
    ({"site_name": ""}, "This field is required."),
    ({"contact_email": "nope"}, "Please enter a valid e-mail address."),
    ({"registration_mode": "everyone"}, "Not a valid choice"),
    ({"country": "XX"}, "Not a valid choice"),
    ({"logo": (io.BytesIO(b"GIF89a but not really"), "logo.gif")}, "not an image we can use"),
])
def test_bad_settings_are_refused_and_change_nothing(app, login, changes, message):
    admin = login("admin")
    response = admin.post_form("/admin/settings?lang=en", {**SETTINGS, **changes},
                               content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert get_setting("site_name") != SETTINGS["site_name"]
        assert get_setting("logo") == ""


def test_deleting_an_organisation_from_the_admin(app, login):
    with app.app_context():
        slug = organisations.save(None, organisations.OrganisationData("ONG", "cso", "SN"),
                                  None).slug
    client = login("admin")
    response = client.post_form(f"/organisations/{slug}/delete")
    assert response.headers["Location"].endswith("/admin/organisations")
    with app.app_context():
        assert db.session.scalar(select(Organisation).where(Organisation.slug == slug)) is None
