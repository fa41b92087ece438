"""Helpers shared by this plugin's tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from crpm_plugins.cso_map import places
from crpm_plugins.cso_map.places import PlaceData, ProfileData
from flask import Flask
from sqlalchemy import select

from crpm_cms.plugin_api import Term, db, organisations

# The exact point of a sensitive organisation: these digits must never be shown anywhere.
SECRET = PlaceData("SN", "Ndiaganiao", "Thiès", 14.123456, -16.654321, "region")


def add_organisation(app: Flask, name: str, country: str = "SN", kind: str = "cso",
                     themes: Iterable[str] = (), place: PlaceData | list[PlaceData] | None = None,
                     profile: ProfileData | None = None, **extra: object) -> int:
    """Create an organisation with the core's service and its map record with the plugin's."""
    with app.test_request_context("/"):
        theme_ids = list(db.session.scalars(select(Term.id).where(
            Term.code.in_(list(themes)), Term.vocabulary.in_(("theme", "gcm_objective")))))
        organisation = organisations.save(None, organisations.OrganisationData(
            name=name, kind=kind, country_code=country, themes=theme_ids, **extra), None)
        wanted = place if isinstance(place, list) else [place] if place else []
        places.set_places(organisation.id, wanted)
        if profile is not None:
            places.set_profile(organisation.id, profile)
        db.session.commit()
        return organisation.id


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
