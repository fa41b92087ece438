"""What a careless user or an intruder sends gets a clear answer and leaves the data whole.

Each test here reproduces a finding of the security review (F2 to F13) that answered 500, took a
value past a limit, or told a visitor who has an account.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from flask import Flask
from openpyxl import load_workbook
from PIL import Image

from crpm_cms.content.models import BODY_LENGTH
from crpm_cms.exports import content_disposition, csv_bytes, sheet_title, xlsx_bytes
from crpm_cms.forms import single_line
from crpm_cms.testing import Client, accounts, client_of
from crpm_cms.testing.mail import Inbox
from tests.test_content import act, create, stored

# -- single-line fields (F2, F4) ------------------------------------------------------------------


def test_single_line_turns_line_breaks_and_tabs_into_one_space() -> None:
    assert single_line("Forum\r\nBcc: x@example.org") == "Forum Bcc: x@example.org"
    assert single_line("a\rb\tc\u2028d\x85e") == "a b c d e"
    assert single_line(None) is None


def test_a_title_with_a_carriage_return_is_saved_on_one_line_and_submitting_it_mails_the_reviewers(
        mail_app: tuple[Flask, Inbox], people: dict[str, str]) -> None:
    app, inbox = mail_app
    editor = client_of(app, people["editor"])
    item_id = create(editor, title="CR title\rBcc: x@example.org")
    assert stored(app, item_id).title == "CR title Bcc: x@example.org"
    assert act(editor, item_id, "submit").status_code == 302  # was a 500 after the commit
    assert stored(app, item_id).status == "submitted"
    assert inbox.messages and all("\r" not in m["Subject"] for m in inbox.messages)
    assert {m["Bcc"] for m in inbox.messages} == {None}


def test_a_title_sent_to_the_api_is_one_line_and_a_huge_body_is_refused(
        app: Flask, client: Client, people: dict[str, str]) -> None:
    with app.app_context():
        secret = accounts.create_api_token(accounts.find_by_email(people["editor"]), "t").secret
    headers = {"Authorization": f"Bearer {secret}"}
    created = client.post("/api/v1/news", headers=headers, json={
        "title": "Titre\r\nsur deux lignes", "language": "fr", "country": "SN"})
    assert created.status_code == 201 and created.json["title"] == "Titre sur deux lignes"
    refused = client.post("/api/v1/news", headers=headers, json={
        "title": "Trop long", "language": "fr", "country": "SN",
        "body_html": "<p>" + "x" * BODY_LENGTH + "</p>"})
    assert refused.status_code == 400 and "body_html" in refused.json["fields"]


def test_json_nested_a_thousand_levels_deep_is_a_400(app: Flask, client: Client,
                                                    people: dict[str, str]) -> None:
    with app.app_context():
        secret = accounts.create_api_token(accounts.find_by_email(people["editor"]), "t").secret
    response = client.post("/api/v1/news", data="[" * 1000 + "]" * 1000,
                           headers={"Authorization": f"Bearer {secret}",
                                    "Content-Type": "application/json"})
    assert response.status_code == 400


# -- malformed parameters (F7, F8) ----------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/library/?year=%C2%B9",  # ¹: str.isdigit() says yes, int() says no
    "/library/?year=99999999999999999999",
    "/organisations/?page=99999999999999999999",
    "/sitemap.xml?page=%D9%A3",  # ٣, an Arabic-Indic digit
])
def test_a_malformed_number_in_a_page_address_is_ignored_or_refused(client: Client,
                                                                   url: str) -> None:
    assert client.get(url).status_code in (200, 404)


def test_a_page_number_past_what_a_database_can_count_reads_as_the_first(client: Client) -> None:
    for page in ("99999999999999999999", "%C2%B9"):
        response = client.get(f"/api/v1/organisations?page={page}")
        assert response.status_code == 200 and response.json["page"] == 1
    response = client.get("/api/v1/news?page=99999999999999999999")  # a strict list
    assert response.status_code == 400 and "page" in response.json["fields"]


def test_a_next_address_with_a_line_break_leads_home_instead_of_failing(
        login: object, client: Client) -> None:
    login("member")  # type: ignore[operator]
    response = client.get("/login?next=/%0d%0aSet-Cookie:x=y")
    assert response.status_code == 302
    assert response.headers["Location"] == "/" and "x=y" not in response.headers.get(
        "Set-Cookie", "")


# -- files: names, sheets, pictures, CSV cells (F3, F7, F11, F13) ---------------------------------


def test_a_download_name_in_any_script_makes_a_valid_header() -> None:
    header = content_disposition("organisations-中.csv")
    header.encode("latin-1")  # what an HTTP server can send
    assert header == ("attachment; filename=\"organisations-.csv\"; "
                      "filename*=UTF-8''organisations-%E4%B8%AD.csv")
    assert "\n" not in content_disposition("a\r\nb.ics", "inline")


def test_a_sheet_takes_a_title_excel_would_refuse() -> None:
    title = "Webinaire : santé/mobilité [2027] * ?"
    assert sheet_title(title) == "Webinaire santé mobilité 2027"
    workbook = load_workbook(io.BytesIO(xlsx_bytes(["a"], [["b"]], title=title)))
    assert workbook.sheetnames == ["Webinaire santé mobilité 2027"]


def test_a_csv_cell_with_a_semicolon_is_quoted_for_french_spreadsheets() -> None:
    body = csv_bytes(["name", "email"], [["Awa;=2+3;@SUM(1+1)", "m2@rt.test"], ["=1+1", None]])
    assert body.decode("utf-8-sig").splitlines() == [
        "name,email", '"Awa;=2+3;@SUM(1+1)",m2@rt.test', "'=1+1,"]


def png_declaring(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose header declares ``width`` x ``height`` pixels (a decompression bomb
    as Pillow first sees it: the size is read before any pixel)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


def test_a_picture_of_eighty_million_pixels_is_refused_before_it_is_decoded(
        app: Flask) -> None:
    from werkzeug.datastructures import FileStorage

    from crpm_cms.uploads import InvalidImage, save_image

    with app.app_context(), pytest.raises(InvalidImage, match="8900 x 8900"):
        save_image(FileStorage(io.BytesIO(png_declaring(8900, 8900)), "bomb.png"), "test", 800)


# -- accounts (F6) --------------------------------------------------------------------------------


def test_asking_for_an_account_with_a_known_address_answers_as_for_a_new_one(
        mail_app: tuple[Flask, Inbox], people: dict[str, str]) -> None:
    app, inbox = mail_app
    answers = []
    for email in ("nouvelle@test.crpm", people["member"]):
        response = client_of(app).post_form("/register", {
            "display_name": "Awa Koné", "email": email, "organisation": "0", "language": "fr",
            "password": "long enough pass", "confirm": "long enough pass"}, follow_redirects=True)
        answers.append((response.status_code, response.get_data(as_text=True).split(
            '<main')[1].split("</main>")[0].replace(email, "")))
    assert answers[0] == answers[1]
    owner = [m for m in inbox.messages if m["To"] == people["member"]]
    assert len(owner) == 1 and "vous avez déjà un compte" in owner[0].get_payload(
        decode=True).decode()
    with app.app_context():
        assert accounts.find_by_email(people["member"]).display_name != "Awa Koné"


def test_asking_for_accounts_is_rate_limited_like_signing_in(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    visitor = client_of(app)
    statuses = [visitor.post_form("/register", {"email": f"p{n}@test.crpm"}).status_code
                for n in range(5)]
    assert statuses[:3] == [400, 400, 400] and statuses[3:] == [429, 429]


def test_the_error_page_after_a_failed_statement_is_the_sites_own(make_app) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL a failed statement leaves the transaction refusing every query, the error
    page's own included, until it is rolled back (F7): the visitor got a bare error."""
    from flask import g
    from sqlalchemy import text

    from crpm_cms.extensions import db

    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def failing() -> str:
        g.pop("crpm_settings", None)  # as on a page that had read no setting yet
        db.session.execute(text("SELECT no_such_column FROM organisations"))
        return "never"

    app.add_url_rule("/failing", "failing", failing)
    response = client_of(app).get("/failing")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert '<html lang="fr">' in body and "Réseau CRPM" in body  # the themed page, with settings
