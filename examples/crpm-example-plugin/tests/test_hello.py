"""The example plugin as its users meet it, with CRPM CMS's test kit (``crpm_cms.testing``):
``app``, ``client`` and ``login(role)`` come from the kit, which pytest loads by itself."""

from __future__ import annotations

import html

from flask import Flask

from crpm_cms.testing import Client


def text(client: Client, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def test_a_member_posts_a_greeting_everyone_reads(client: Client, login) -> None:  # type: ignore[no-untyped-def]
    assert "Aucun message pour l’instant." in text(client, "/hello/")
    member = login("member")
    response = member.post_form("/hello/", {"text": "  Bonjour   de Dakar !  "})
    assert response.status_code == 302
    member.post_form("/logout")
    assert "<q>Bonjour de Dakar !</q> — Member" in text(client, "/hello/")


def test_a_bad_greeting_gets_a_translated_error_and_saves_nothing(client: Client,
                                                                  login) -> None:  # type: ignore[no-untyped-def]
    member = login("member")
    for typed, error in (("   ", "Le message est vide."),
                         ("x" * 281, "Un message compte au plus 280 caractères.")):
        response = member.post_form("/hello/?lang=fr", {"text": typed})
        assert response.status_code == 400 and error in html.unescape(response.get_data(True))
    assert "Aucun message pour l’instant." in text(member, "/hello/")


def test_a_visitor_signs_in_before_posting(client: Client, login) -> None:  # type: ignore[no-untyped-def]
    assert 'class="hello-form"' not in text(client, "/hello/")
    response = client.post_form("/hello/", {"text": "Anonyme"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Anonyme" not in text(client, "/hello/")
    focal_point = login("focal_point")  # "member" in a permission: every signed-in account
    assert 'class="hello-form"' in text(focal_point, "/hello/")
    assert focal_point.post_form("/hello/", {"text": "Depuis Moroni"}).status_code == 302
    assert "Depuis Moroni" in text(focal_point, "/hello/")


def test_the_home_page_shows_the_newest_with_the_plugins_style_sheet(client: Client,
                                                                    login) -> None:  # type: ignore[no-untyped-def]
    login("member").post_form("/hello/", {"text": "Salut Conakry"})
    home = text(client, "/?lang=en")
    assert "<q>Salut Conakry</q>" in home and 'href="/hello/">Greetings</a>' in home
    head = home.split("</head>")[0]
    assert '<link rel="stylesheet" href="/hello/static/hello.css">' in head
    assert "Messages du réseau" in text(client, "/?lang=fr")  # the plugin's own catalogue


def test_switched_off_it_disappears_and_its_greetings_stay(app: Flask, client: Client,
                                                           login) -> None:  # type: ignore[no-untyped-def]
    login("member").post_form("/hello/", {"text": "Toujours là"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["plugins", "disable", "hello"]).exit_code == 0
    assert client.get("/hello/").status_code == 404
    assert client.get("/hello/static/hello.css").status_code == 404
    assert "Toujours là" not in text(client, "/")
    assert runner.invoke(args=["plugins", "enable", "hello"]).exit_code == 0
    assert "Toujours là" in text(client, "/hello/")
