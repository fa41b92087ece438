"""Who finds what, on both backends: anonymous visitors, members and editors each see exactly
what they may — in the results, in every filter and in every facet count."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crpm_cms.plugin_system.services import set_enabled
from crpm_cms.testing import PASSWORD
from tests.test_search_support import (
    api,
    document,
    later,
    organisation,
    publish,
    search_app_fixture,
    sign_in,
    titles,
)

search_app = search_app_fixture()

WORD = "sahel"
# title → (kind, type, countries, themes, year, language) and who may find it
PUBLIC = {
    "Sahel : note publique": ("publication", "study", ("SN",), ("governance",), "fr"),
    "Sahel news in English": ("news", None, ("CI",), (), "en"),
    "Association sahel solidarité": ("organisation", "cso", ("SN",), (), "fr"),
    "Étude publique sur le sahel": ("document", "study", ("SN", "CM"), ("gender",), "fr"),
}
MEMBERS = {
    "Collectif sahel discret": ("organisation", "diaspora", ("TN",), (), "fr"),
    "Diagnostic sahel réservé": ("document", "diagnostic", ("MG",), ("return",), "fr"),
}
NEVER = ("Brouillon sahel", "Sahel programmé", "Sahel expiré", "Sahel dépublié")


def facets_of(records: dict[str, tuple], year: int) -> dict[str, dict[str, int]]:
    """The facet counts the visible records must give, computed independently of the index."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in
                                       ("kind", "type", "country", "theme", "year", "language")}
    for kind, type_, countries, themes, language in records.values():
        counts["kind"][kind] += 1
        if type_:
            counts["type"][type_] += 1
        counts["country"].update(countries)
        counts["theme"].update(themes)
        counts["language"][language] += 1
        counts["year"][str(2021 if kind == "document" else year)] += kind != "organisation"
    return {name: {value: count for value, count in counter.items() if count}
            for name, counter in counts.items()}


def add_records(app: Flask) -> int:
    """Everything above, through the real services; returns this year (news' year facet)."""
    publish(app, "Sahel : note publique", "Analyse des mobilités au sahel.", kind="publication",
            document_type="study", country_code="SN", themes=("governance",))
    publish(app, "Sahel news in English", "Sahel migration report.", language="en",
            country_code="CI")
    organisation(app, "Association sahel solidarité", "Entraide au sahel.")
    document(app, "Étude publique sur le sahel", "Texte intégral sur le sahel.",
             countries=["SN", "CM"], themes=["gender"], year=2021)
    organisation(app, "Collectif sahel discret", "members access draft status sahel",
                 kind="diaspora", country_code="TN", visibility="members")
    document(app, "Diagnostic sahel réservé", "Diagnostic du sahel, access members.",
             document_type="diagnostic", access="members", countries=["MG"],
             themes=["return"], year=2021)
    publish(app, "Brouillon sahel", "draft status sahel", status="draft", country_code="SN")
    publish(app, "Sahel programmé", "Parution future sahel.", publish_at=later(3600),
            country_code="SN")
    publish(app, "Sahel expiré", "Appel clos sahel.", expires_at=later(-1), country_code="SN")
    unpublished = publish(app, "Sahel dépublié", "Retiré sahel.", country_code="SN")
    with app.test_request_context("/"):
        from crpm_cms.content import services as content
        from tests.test_search_support import author

        content.apply_action(content.db.session.get(content.ContentItem, unpublished),
                             "unpublish", author(app))
    from crpm_cms.timezones import utcnow

    return utcnow().year


class TokenClient(FlaskClient):
    """An API caller with a member's personal token instead of a browser session."""

    token = ""

    def open(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        kwargs.setdefault("headers", {})["Authorization"] = f"Bearer {self.token}"
        return super().open(*args, **kwargs)


def clients(app: Flask, people: dict[str, str]) -> dict[str, FlaskClient]:
    from crpm_cms.users import services as accounts

    with app.app_context():
        TokenClient.token = accounts.create_api_token(
            accounts.find_by_email(people["member"]), "search").secret
    return {"anonymous": app.test_client(),
            "member": sign_in(app, people["member"], PASSWORD),
            "editor": sign_in(app, people["editor"], PASSWORD),
            "member's token": TokenClient(app)}


def test_each_visitor_sees_exactly_what_they_may(search_app: Flask, people: dict[str, str]) -> None:
    year = add_records(search_app)
    every = {**PUBLIC, **MEMBERS}
    for role, client in clients(search_app, people).items():
        visible = PUBLIC if role == "anonymous" else every
        answer = api(client, q=WORD)
        assert sorted(hit["title"] for hit in answer["results"]) == sorted(visible), role
        assert answer["total"] == len(visible)
        assert answer["facets"] == facets_of(visible, year), role
        # every filter value of every record, hidden ones included: counts never leak
        for facet, values in facets_of(every, year).items():
            parameter = "lang" if facet == "language" else facet
            for value in values:
                expected = facets_of(visible, year)[facet].get(value, 0)
                filtered = api(client, q=WORD, **{parameter: value})
                assert filtered["total"] == expected, (role, facet, value)
                assert sum(filtered["facets"]["kind"].values()) == expected
                assert filtered["facets"].get(facet, {}).get(value, 0) == expected


def test_field_syntax_reveals_nothing(search_app: Flask, people: dict[str, str]) -> None:
    add_records(search_app)
    anonymous = search_app.test_client()
    for query in ("access:members", "status:draft", "access:members sahel", "draft",
                  "visibility:members", "kind:document access:members"):
        found = titles(anonymous, q=query)
        assert not set(found) & (set(MEMBERS) | set(NEVER)), (query, found)
    member = sign_in(search_app, people["member"], PASSWORD)
    assert "Brouillon sahel" not in titles(member, q="status:draft")


def test_the_clock_decides_at_query_time(search_app: Flask) -> None:
    publish(search_app, "Webinaire sahel bientôt", "Programme.", publish_at=later(2))
    publish(search_app, "Appel sahel bientôt clos", "Candidatures.", expires_at=later(2))
    client = search_app.test_client()
    assert titles(client, q=WORD) == ["Appel sahel bientôt clos"]
    time.sleep(2.2)  # no job runs meanwhile: only the clock changes
    assert titles(client, q=WORD) == ["Webinaire sahel bientôt"]


def test_access_and_status_changes_show_at_once(search_app: Flask) -> None:
    from crpm_cms.content import services as content
    from crpm_cms.organisations import services as organisations
    from tests.test_search_support import author

    slug = organisation(search_app, "Réseau sahel ouvert", "Ouvert à tous.")
    item_id = publish(search_app, "Communiqué sahel", "Texte.")
    client = search_app.test_client()
    assert sorted(titles(client, q=WORD)) == ["Communiqué sahel", "Réseau sahel ouvert"]
    with search_app.test_request_context("/"):
        found = organisations.get_visible(None, slug)
        data = organisations.OrganisationData(name=found.name, kind=found.kind,
                                              country_code="SN", visibility="members")
        organisations.save(found, data, None)
        item = content.db.session.get(content.ContentItem, item_id)
        content.apply_action(item, "unpublish", author(search_app))
    assert titles(client, q=WORD) == []


def test_a_disabled_plugins_records_leave_results_and_counts(search_app: Flask) -> None:
    pytest.importorskip("crpm_example_plugin")
    from crpm_example_plugin import services as notes

    with search_app.app_context():
        notes.add_note("Réunion sahel des notes d'exemple")
    publish(search_app, "Actualité sahel", "Texte.")
    client = search_app.test_client()

    def kinds() -> dict[str, Any]:
        return api(client, q=WORD)["facets"]["kind"]

    assert kinds() == {"example_note": 1, "news": 1}
    with search_app.app_context():
        set_enabled("example", False)
    assert kinds() == {"news": 1}
    assert api(client, q=WORD, kind="example_note")["total"] == 0
    with search_app.app_context():
        set_enabled("example", True)
    assert kinds() == {"example_note": 1, "news": 1}
