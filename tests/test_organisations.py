"""The organisations directory: filters, visibility, pages, who may edit, and bad input."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from crpm_cms.extensions import db
from crpm_cms.organisations import services
from crpm_cms.organisations.models import Organisation
from crpm_cms.taxonomies.models import Term
from crpm_cms.testing import queries_of_page, sign_in
from crpm_cms.users.services import find_by_email


def theme_id(code: str) -> int:
    return db.session.scalar(select(Term.id).where(
        Term.code == code, Term.vocabulary.in_(("theme", "gcm_objective"))))


def add(app, name: str, country: str = "SN", kind: str = "cso", themes: tuple[str, ...] = (),
        **extra) -> str:
    """Create an organisation through the service; returns its slug."""
    with app.app_context():
        data = services.OrganisationData(name=name, kind=kind, country_code=country,
                                         themes=[theme_id(code) for code in themes], **extra)
        return services.save(None, data, None).slug


def load(app, slug: str) -> Organisation:
    with app.app_context():
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        assert organisation is not None
        db.session.expunge(organisation)
        return organisation


def png_bytes(size: tuple[int, int] = (600, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 120, 80)).save(buffer, format="PNG")
    return buffer.getvalue()


def form_values(app, slug: str, **changes) -> dict:
    """What the edit form would post for this organisation unchanged, plus ``changes``."""
    organisation = load(app, slug)
    values = {"name": organisation.name, "acronym": organisation.acronym or "",
              "kind": organisation.kind, "country": organisation.country_code,
              "description_fr": organisation.description_fr,
              "description_en": organisation.description_en,
              "website": organisation.website or "", "email": organisation.email or "",
              "parent": "0", "visibility": organisation.visibility}
    values.update(changes)
    return values


@pytest.fixture
def directory(app):
    """A small directory in three countries, one of them members-only."""
    return {
        "jappo": add(app, "Jappo Sénégal", "SN", "cso", ("governance",), acronym="JS"),
        "diaspora": add(app, "Diaspora Ivoirienne de Lyon", "CI", "diaspora", ("diaspora",)),
        "reseau": add(app, "Réseau Migration Maroc", "MA", "network", ("governance", "3")),
        "secret": add(app, "Cercle Privé Dakar", "SN", "cso", (), visibility="members"),
    }


def names(response) -> list[str]:
    return re.findall(r'<h3><a href="/organisations/[^"]+">([^<]+)</a>',
                      response.get_data(as_text=True))


# -- list --------------------------------------------------------------------------------------


def test_list_shows_public_organisations_with_their_kind_country_and_themes(client, directory):
    response = client.get("/organisations/")
    assert response.status_code == 200
    assert sorted(names(response)) == ["Diaspora Ivoirienne de Lyon", "Jappo Sénégal",
                                       "Réseau Migration Maroc"]
    page = response.get_data(as_text=True)
    assert "Organisation de la société civile" in page and "Sénégal" in page
    assert "Gouvernance des migrations" in page


def test_filters_are_kept_in_the_url_and_stay_selected(client, directory):
    response = client.get("/organisations/?country=SN&kind=cso&theme=governance")
    assert names(response) == ["Jappo Sénégal"]
    page = response.get_data(as_text=True)
    assert '<option selected value="SN">' in page
    assert '<option selected value="cso">' in page
    assert '<option selected value="governance">' in page
    assert names(client.get("/organisations/?theme=3")) == ["Réseau Migration Maroc"]
    assert names(client.get("/organisations/?kind=diaspora")) == ["Diaspora Ivoirienne de Lyon"]
    assert names(client.get("/organisations/?q=jappo")) == ["Jappo Sénégal"]


@pytest.mark.parametrize("query", ["country=ZZ", "kind=<script>", "theme=nothing", "page=abc",
                                   "page=-4", "page=99999999999999999999", "q=" + "x" * 5000])
def test_bad_filter_values_match_nothing_without_an_error(client, directory, query):
    response = client.get(f"/organisations/?{query}")
    assert response.status_code == 200


def test_a_page_past_the_end_is_an_empty_list(client, directory):
    response = client.get("/organisations/?page=50")
    assert response.status_code == 200
    assert names(response) == []


def test_members_only_organisations_are_hidden_from_visitors(client, people, directory):
    assert "Cercle Privé Dakar" not in names(client.get("/organisations/?country=SN"))
    assert client.get(f"/organisations/{directory['secret']}").status_code == 404
    sign_in(client, people["member"])
    assert "Cercle Privé Dakar" in names(client.get("/organisations/?country=SN"))
    assert client.get(f"/organisations/{directory['secret']}").status_code == 200


def test_unknown_organisation_is_404(client):
    assert client.get("/organisations/nobody-here").status_code == 404


def test_the_list_runs_the_same_number_of_queries_for_more_rows(app, client):
    for number in range(2):
        add(app, f"Association {number}", themes=("governance", "gender"))
    few = queries_of_page(app, client, "/organisations/")
    for number in range(2, 15):
        add(app, f"Association {number}", "CI", themes=("governance", "1", "2"),
            countries=["SN", "FR"], identifiers=[("SN-NINEA", f"{number:06d}")])
    assert queries_of_page(app, client, "/organisations/") == few


# -- detail ------------------------------------------------------------------------------------


def test_detail_shows_every_field_with_the_description_falling_back_to_french(app, client):
    parent = add(app, "Plateforme des ONG")
    with app.app_context():
        parent_id = db.session.scalar(select(Organisation.id).where(Organisation.slug == parent))
    slug = add(app, "Association Teranga", "SN", "diaspora", ("diaspora", "5"), acronym="AT",
               description_fr="Aide aux migrants de retour.", website="https://teranga.example",
               email="contact@teranga.example", parent_id=parent_id, countries=["FR", "SN"],
               identifiers=[("SN-NINEA", "0012345")])
    page = client.get(f"/organisations/{slug}?lang=en").get_data(as_text=True)
    for expected in ("Association Teranga", "(AT)", "Diaspora association", "Senegal",
                     "Aide aux migrants de retour.", "https://teranga.example",
                     "contact@teranga.example", "Plateforme des ONG", "SN-NINEA", "0012345",
                     "France", "Diaspora engagement", "0 members"):
        assert expected in page, expected
    assert "/edit" not in page


# -- who may create and edit -----------------------------------------------------------------


def test_edit_link_and_rights(app, client, people, directory):
    jappo = directory["jappo"]
    assert client.get(f"/organisations/{jappo}/edit").status_code == 302  # to the login page
    sign_in(client, people["editor_other_country"])
    assert client.get(f"/organisations/{jappo}/edit").status_code == 403
    assert f"/organisations/{jappo}/edit" not in client.get(
        f"/organisations/{jappo}").get_data(as_text=True)
    client.post_form("/logout")
    sign_in(client, people["focal_point"])
    assert f"/organisations/{jappo}/edit" in client.get(f"/organisations/{jappo}").get_data(
        as_text=True)
    assert client.get(f"/organisations/{jappo}/edit").status_code == 200
    assert client.get(f"/organisations/{directory['diaspora']}/edit").status_code == 403


def test_a_member_edits_its_own_organisation_only(app, client, people, directory):
    with app.app_context():
        organisation = db.session.scalar(select(Organisation).where(
            Organisation.slug == directory["diaspora"]))
        find_by_email(people["member"]).organisation_id = organisation.id
        db.session.commit()
        diaspora_theme = theme_id("diaspora")
    sign_in(client, people["member"])
    assert client.get(f"/organisations/{directory['jappo']}/edit").status_code == 403
    response = client.post_form(f"/organisations/{directory['diaspora']}/edit", form_values(
        app, directory["diaspora"], description_fr="Nouvelle description.",
        countries=["FR", "CI"], themes=[str(diaspora_theme)]))
    assert response.status_code == 302
    organisation = load(app, "diaspora-ivoirienne-de-lyon")
    assert organisation.description_fr == "Nouvelle description."
    assert {c.code for c in organisation.countries} == {"FR", "CI"}


def test_focal_point_creates_only_in_its_country(app, client, people):
    assert client.get("/organisations/new").status_code == 302
    sign_in(client, people["editor"])
    assert client.get("/organisations/new").status_code == 403
    client.post_form("/logout")
    sign_in(client, people["focal_point"])
    form = client.get("/organisations/new").get_data(as_text=True)
    country_select = re.search(r'<select[^>]*name="country".*?</select>', form, re.S).group(0)
    assert 'value="SN"' in country_select and 'value="CI"' not in country_select
    values = {"name": "Nouvelle ONG", "kind": "cso", "country": "CI", "visibility": "public",
              "parent": "0"}
    response = client.post_form("/organisations/new", values)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Organisation).where(Organisation.name == "Nouvelle ONG")) \
            is None
    response = client.post_form("/organisations/new", {**values, "country": "SN",
                                                       "identifiers-0-scheme": "sn-ninea",
                                                       "identifiers-0-value": " 777 "})
    assert response.status_code == 302
    organisation = load(app, "nouvelle-ong")
    assert organisation.country_code == "SN"
    assert [(i.scheme, i.value) for i in organisation.identifiers] == [("SN-NINEA", "777")]


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("changes, message", [
    ({"website": "javascript:alert(1)"}, "http://"),
    ({"website": "ftp://example.org"}, "http://"),
    ({"name": ""}, "This field is required."),
    ({"email": "not-an-address"}, "Please enter a valid e-mail address."),
    ({"kind": "spaceship"}, "Not a valid choice"),
    ({"identifiers-0-scheme": "NINEA", "identifiers-0-value": "1"}, "such as SN-NINEA"),
    ({"identifiers-0-scheme": "SN-NINEA"}, "Give the identifier for this scheme."),
    ({"identifiers-0-value": "123"}, "Give the scheme of this identifier."),
    ({"parent": "424242"}, "Not a valid choice"),
])
def test_invalid_input_is_refused_and_changes_nothing(app, client, people, directory, changes,
                                                      message):
    sign_in(client, people["admin"])
    slug = directory["jappo"]
    response = client.post_form(f"/organisations/{slug}/edit?lang=en",
                                form_values(app, slug, acronym="CHANGED", **changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="CHANGED"' in page  # the form comes back filled in
    assert load(app, slug).acronym == "JS"


def test_an_identifier_of_another_organisation_is_refused(app, client, people):
    add(app, "Première", identifiers=[("SN-NINEA", "123456")])
    second = add(app, "Seconde")
    sign_in(client, people["admin"])
    response = client.post_form(f"/organisations/{second}/edit?lang=en", form_values(
        app, second, **{"identifiers-0-scheme": "SN-NINEA", "identifiers-0-value": "123456"}))
    assert response.status_code == 400
    assert "Another organisation already has this identifier." in response.get_data(as_text=True)
    assert load(app, second).identifiers == []


def test_a_file_that_is_not_an_image_is_refused_as_a_logo(app, client, people, directory):
    sign_in(client, people["admin"])
    slug = directory["jappo"]
    values = form_values(app, slug, acronym="CHANGED",
                         logo=(io.BytesIO(b"%PDF-1.4 not an image"), "logo.png"))
    response = client.post_form(f"/organisations/{slug}/edit?lang=en", values,
                                content_type="multipart/form-data")
    assert response.status_code == 400
    assert "This file is not an image we can use" in response.get_data(as_text=True)
    organisation = load(app, slug)
    assert organisation.logo is None and organisation.acronym == "JS"


def test_logo_upload_is_resized_and_served(app, client, people, directory):
    sign_in(client, people["focal_point"])
    slug = directory["jappo"]
    values = form_values(app, slug, logo=(io.BytesIO(png_bytes()), "logo.png"))
    response = client.post_form(f"/organisations/{slug}/edit", values,
                                content_type="multipart/form-data")
    assert response.status_code == 302
    assert load(app, slug).logo
    client.post_form("/logout")
    served = client.get(f"/organisations/{slug}/logo")
    assert served.status_code == 200
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.format == "PNG" and max(image.size) == 256
    assert f"/organisations/{slug}/logo" in client.get(f"/organisations/{slug}").get_data(
        as_text=True)


def test_an_organisation_without_logo_has_no_logo_url(client, directory):
    assert client.get(f"/organisations/{directory['jappo']}/logo").status_code == 404


# -- delete ------------------------------------------------------------------------------------


def test_only_an_admin_deletes_after_confirmation(app, client, people, directory):
    slug = directory["jappo"]
    sign_in(client, people["focal_point"])
    assert client.post_form(f"/organisations/{slug}/delete").status_code == 403
    client.post_form("/logout")
    sign_in(client, people["admin"])
    confirmation = client.get(f"/organisations/{slug}/delete")
    assert confirmation.status_code == 200
    assert client.get(f"/organisations/{slug}").status_code == 200
    response = client.post_form(f"/organisations/{slug}/delete")
    assert response.status_code == 302
    assert client.get(f"/organisations/{slug}").status_code == 404
