"""Permission-matrix rows of the ``cso_map`` plugin: every route of ``/map/`` for the six kinds
of visitor (loaded by tests/test_permission_matrix.py when the plugin is loaded)."""

from __future__ import annotations

from crpm_plugins.cso_map import places, proposals, verification
from crpm_plugins.cso_map.places import PlaceData
from flask import Flask

from crpm_cms.plugin_api import db, organisations

LOGIN = 302
EVERYONE = (200,) * 6
MODERATORS = (LOGIN, 403, 403, 403, 200, 200)  # the focal point of Senegal, and admins
EDITORS_OF_SENEGAL = (LOGIN, 403, 200, 403, 200, 200)
# Only the organisation's own members may propose a change to it; none of the matrix's people
# belongs to an organisation. test_proposals.py proves the member's own case.
NOT_ITS_MEMBERS = (LOGIN, 403, 403, 403, 403, 403)

ROWS: list[tuple[str, str, str, dict[str, str], tuple[int, ...]]] = [
    ("cso_map.index", "GET", "/map/?country=SN&theme=gender", {}, EVERYONE),
    ("cso_map.static", "GET", "/map/static/map.js", {}, EVERYONE),
    ("cso_map.points", "GET", "/map/points.json?country=SN", {}, EVERYONE),
    ("cso_map.popup", "GET", "/map/popup?ids={map_org_id}", {}, EVERYONE),
    ("cso_map.geojson", "GET", "/map/organisations.geojson", {}, EVERYONE),
    ("cso_map.csv_file", "GET", "/map/organisations.csv", {}, EVERYONE),
    ("cso_map.xlsx_file", "GET", "/map/organisations.xlsx", {}, EVERYONE),
    ("cso_map.hsds", "GET", "/map/hsds.zip", {}, EVERYONE),
    ("cso_map.stats", "GET", "/map/stats", {}, EVERYONE),
    # visitors without an account may propose only when the deployment allows it (off here)
    ("cso_map.propose", "GET", "/map/propose", {}, (LOGIN,) + (200,) * 5),
    ("cso_map.propose", "POST", "/map/propose", {}, (LOGIN,) + (400,) * 5),
    ("cso_map.propose_change", "GET", "/map/organisations/{map_org}/propose", {},
     NOT_ITS_MEMBERS),
    ("cso_map.propose_change", "POST", "/map/organisations/{map_org}/propose", {},
     NOT_ITS_MEMBERS),
    ("cso_map.edit", "GET", "/map/organisations/{map_org}/edit", {}, EDITORS_OF_SENEGAL),
    ("cso_map.edit", "POST", "/map/organisations/{map_org}/edit", {},
     (LOGIN, 403, 400, 403, 400, 400)),
    ("cso_map.moderation", "GET", "/map/moderation", {}, MODERATORS),
    ("cso_map.moderation_settings", "POST", "/map/moderation/settings", {},
     (LOGIN, 403, 403, 403, 403, 302)),
    ("cso_map.proposal", "GET", "/map/moderation/{proposal_id}", {}, MODERATORS),
    ("cso_map.proposal", "POST", "/map/moderation/{proposal_id}", {},
     (LOGIN, 403, 403, 403, 400, 400)),  # no decision chosen
    ("cso_map.import_file", "GET", "/map/import", {}, MODERATORS),
    ("cso_map.import_file", "POST", "/map/import", {}, (LOGIN, 403, 403, 403, 400, 400)),
    # the yearly link speaks for the organisation, whoever opens it
    ("cso_map.verify", "GET", "/map/verify/{verify_token}", {}, EVERYONE),
    ("cso_map.verify", "GET", "/map/verify/not-a-token", {}, (404,) * 6),
    ("cso_map.verify", "POST", "/map/verify/{verify_token}", {}, (302,) * 6),
    ("cso_map.verify_edit", "GET", "/map/verify/{verify_token}/edit", {}, EVERYONE),
    ("cso_map.verify_edit", "POST", "/map/verify/{verify_token}/edit", {}, (400,) * 6),
]


def fixtures(app: Flask, people: dict[str, str]) -> dict[str, object]:
    """A Senegalese organisation on the map, a pending proposal for Senegal, and the
    organisation's yearly confirmation link."""
    with app.test_request_context("/"):
        organisation = organisations.save(None, organisations.OrganisationData(
            name="Association cartographiée", kind="cso", country_code="SN",
            email="contact@cartographiee.example"), None)
        places.set_places(organisation.id, [PlaceData("SN", "Dakar", "", 14.69, -17.44, "city")])
        db.session.commit()
        proposal = proposals.submit(
            proposals.ProposalData(name="Nouvelle association", kind="cso", country="SN"),
            None, None, "Awa", "awa@example.org", "fr")
        return {"map_org": organisation.slug, "map_org_id": organisation.id,
                "proposal_id": proposal.id,
                "verify_token": verification.make_token(organisation, 2026)}
