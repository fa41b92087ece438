"""Accounts: sign-in, sign-out, password reset, registration modes, account page, API tokens."""

from __future__ import annotations

import re

from crpm_cms.extensions import db
from crpm_cms.testing import PASSWORD, sign_in
from crpm_cms.users import services as accounts
from crpm_cms.users.models import ApiToken, LoginSession, User

WRONG = "Identifiants incorrects"


def login_page_after(client, email: str, password: str) -> str:  # type: ignore[no-untyped-def]
    response = client.post_form("/login", {"email": email, "password": password},
                                follow_redirects=True)
    return response.get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_answer(client, people) -> None:  # type: ignore[no-untyped-def]
    wrong = client.post_form("/login", {"email": people["member"], "password": "not it at all"})
    unknown = client.post_form("/login", {"email": "nobody@test.crpm", "password": "whatever12"})
    assert wrong.status_code == unknown.status_code == 200
    strip = lambda body: re.sub(r'value="[^"]*"', "", body)  # noqa: E731 (typed e-mail, token)
    assert strip(wrong.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    assert client.get("/account").status_code == 302


def test_password_hashes_are_argon2id(app, people) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        assert accounts.find_by_email(people["member"]).password_hash.startswith("$argon2id$")


def test_logout_invalidates_the_session_on_the_server(app, people) -> None:  # type: ignore[no-untyped-def]
    from crpm_cms.testing import Client

    app.test_client_class = Client
    browser = app.test_client()
    sign_in(browser, people["member"])
    stolen = browser.get_cookie("session").value
    browser.post_form("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/account").status_code == 302, "a copied cookie must not survive logout"
    with app.app_context():
        assert db.session.query(LoginSession).count() == 0


def test_login_redirects_only_to_this_site(client, people) -> None:  # type: ignore[no-untyped-def]
    for target, expected in [("/organisations/", "/organisations/"),
                             ("https://evil.example/", "/"), ("//evil.example/x", "/"),
                             ("/\\evil.example", "/")]:
        response = client.post_form(f"/login?next={target}",
                                    {"email": people["member"], "password": PASSWORD})
        assert response.headers["Location"] == expected, target
        client.post_form("/logout")


def test_inactive_accounts_cannot_sign_in(app, client, people) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        accounts.set_status(accounts.find_by_email(people["member"]), "disabled")
    client.post_form("/login", {"email": people["member"], "password": PASSWORD})
    assert client.get("/account").status_code == 302


def test_login_is_rate_limited(make_app, people) -> None:  # type: ignore[no-untyped-def]
    from crpm_cms.testing import Client

    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    app.test_client_class = Client
    client = app.test_client()
    token = client.csrf_token()
    answers = [client.post("/login", data={"csrf_token": token, "email": "x@test.crpm",
                                           "password": "wrong password"}).status_code
               for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    page = client.post("/login", data={"csrf_token": token}).get_data(as_text=True)
    assert "Trop de tentatives" in page


def test_attempts_on_one_account_are_limited_across_addresses(make_app, people) -> None:  # type: ignore[no-untyped-def]
    from crpm_cms.testing import Client

    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    app.test_client_class = Client
    answers = []
    for number in range(4):  # four different client addresses, one target account
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{number + 1}"
        answers.append(client.post_form("/login", {"email": people["member"],
                                                   "password": "guess"}).status_code)
    assert answers == [200, 200, 200, 429]


def test_without_smtp_mail_goes_to_the_outbox(app, client, people) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    client.post_form("/password/forgot", {"email": people["member"]})
    outbox = list((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(outbox) == 1
    assert f"To: {people['member']}" in outbox[0].read_text()


def without_csrf_token(page: str) -> str:
    """The form's token is signed with the time, to the second: equal pages may differ there."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", page)


def test_password_reset_by_mail(mail_app, people) -> None:  # type: ignore[no-untyped-def]
    from crpm_cms.testing import Client

    app, inbox = mail_app
    app.test_client_class = Client
    client = app.test_client()
    known = client.post_form("/password/forgot", {"email": people["member"]},
                             follow_redirects=True).get_data(as_text=True)
    unknown = client.post_form("/password/forgot", {"email": "nobody@test.crpm"},
                               follow_redirects=True).get_data(as_text=True)
    assert without_csrf_token(known) == without_csrf_token(unknown), \
        "the answer must not reveal whether the account exists"
    assert [m["To"] for m in inbox.messages] == [people["member"], "nobody@test.crpm"]
    link = re.search(r"http://localhost(/password/reset/\S+)", inbox.body(0)).group(1)
    assert "/password/reset/" not in inbox.body(1)
    response = client.post_form(link, {"password": "a brand new password",
                                       "confirm": "a brand new password"})
    assert response.status_code == 302
    sign_in(client, people["member"], "a brand new password")
    client.post_form("/logout")
    reused = client.post_form(link, {"password": "yet another password",
                                     "confirm": "yet another password"}, follow_redirects=True)
    assert "invalide ou a expiré" in reused.get_data(as_text=True)
    sign_in(client, people["member"], "a brand new password")


def test_registration_with_approval_notifies_admins(mail_app, people) -> None:  # type: ignore[no-untyped-def]
    from crpm_cms.testing import Client

    app, inbox = mail_app
    app.test_client_class = Client
    client = app.test_client()
    response = client.post_form("/register", {
        "display_name": "Awa Koné", "email": "awa@test.crpm", "organisation": "0",
        "language": "fr", "password": "long enough pass", "confirm": "long enough pass"})
    assert response.status_code == 302
    with app.app_context():
        assert accounts.find_by_email("awa@test.crpm").status == "pending"
    assert [m["To"] for m in inbox.messages] == [people["admin"]]
    assert "Awa Koné" in inbox.body()
    client.post_form("/login", {"email": "awa@test.crpm", "password": "long enough pass"})
    assert client.get("/account").status_code == 302, "pending accounts cannot sign in"


def test_open_registration_signs_in(make_app) -> None:  # type: ignore[no-untyped-def]
    from crpm_cms.testing import Client

    app = make_app(REGISTRATION_MODE="open")
    app.test_client_class = Client
    client = app.test_client()
    client.post_form("/register", {"display_name": "Awa", "email": "awa@test.crpm",
                                   "organisation": "0", "language": "en",
                                   "password": "long enough pass",
                                   "confirm": "long enough pass"})
    assert client.get("/account").status_code == 200


def test_invitation_only_registration_has_no_form(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(REGISTRATION_MODE="invitation")
    page = app.test_client().get("/register").get_data(as_text=True)
    assert "sur invitation" in page and 'name="password"' not in page


def test_bad_registration_keeps_what_was_typed(client, people) -> None:  # type: ignore[no-untyped-def]
    response = client.post_form("/register", {
        "display_name": "Awa Koné", "email": people["member"], "organisation": "0",
        "language": "fr", "password": "short", "confirm": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Awa Koné"' in page
    assert "au moins 10 caractères" in page


def test_account_profile_and_statistics_fields(app, login, people) -> None:  # type: ignore[no-untyped-def]
    client = login("member")
    client.post_form("/account", {"profile-display_name": "Fatou", "profile-language": "en",
                                  "profile-gender": "woman", "profile-country": "SN"})
    with app.app_context():
        user = accounts.find_by_email(people["member"])
        assert (user.display_name, user.language, user.gender, user.country_code) == (
            "Fatou", "en", "woman", "SN")
    bad = client.post_form("/account", {"profile-display_name": "", "profile-language": "en",
                                        "profile-gender": "robot", "profile-country": "SN"})
    assert bad.status_code == 400
    with app.app_context():
        assert accounts.find_by_email(people["member"]).gender == "woman"


def test_password_change_needs_the_current_one(app, login, people) -> None:  # type: ignore[no-untyped-def]
    client = login("member")
    refused = client.post_form("/account/password", {
        "password-current_password": "wrong", "password-password": "new password 123",
        "password-confirm": "new password 123"})
    assert refused.status_code == 400
    accepted = client.post_form("/account/password", {
        "password-current_password": PASSWORD, "password-password": "new password 123",
        "password-confirm": "new password 123"})
    assert accepted.status_code == 302
    client.post_form("/logout")
    sign_in(client, people["member"], "new password 123")


def test_api_tokens_are_created_used_and_revoked(app, login, people) -> None:  # type: ignore[no-untyped-def]
    client = login("editor")
    page = client.post_form("/account/tokens", {"token-name": "spreadsheet"}).get_data(
        as_text=True)
    secret = re.search(r'<code class="token">(crpm_[^<]+)</code>', page).group(1)
    api = app.test_client()
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json["email"] == people["editor"]
    assert me.json["roles"] == [{"role": "editor", "country": "SN"}]
    with app.app_context():
        token_id = db.session.query(ApiToken).one().id
    client.post_form(f"/account/tokens/{token_id}/revoke")
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert api.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_delete_account_anonymises_and_signs_out(app, login, people) -> None:  # type: ignore[no-untyped-def]
    client = login("member")
    refused = client.post_form("/account/delete", {"delete-password": PASSWORD})
    assert refused.status_code == 400, "the confirmation box is required"
    client.post_form("/account/delete", {"delete-password": PASSWORD, "delete-confirm": "y"})
    assert client.get("/account").status_code == 302
    with app.app_context():
        assert accounts.find_by_email(people["member"]) is None
        deleted = db.session.query(User).filter_by(status="deleted").one()
        assert deleted.display_name == accounts.DELETED_NAME
        assert deleted.password_hash is None and deleted.gender is None
    again = client.post_form("/login", {"email": people["member"], "password": PASSWORD})
    assert again.status_code == 200


def test_the_last_admin_cannot_delete_their_account(app, login, people) -> None:  # type: ignore[no-untyped-def]
    client = login("admin")
    page = client.post_form("/account/delete", {"delete-password": PASSWORD,
                                                "delete-confirm": "y"}, follow_redirects=True)
    assert "dernier compte administrateur" in page.get_data(as_text=True)
    with app.app_context():
        assert accounts.find_by_email(people["admin"]).status == "active"
