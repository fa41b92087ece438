"""Demo places and directory fields for the core's demo organisations (``crpm demo``).

Some organisations chose to be shown only by city or region, as sensitive ones would; the
diaspora associations in France also work in their country of origin. Safe to run again: each
organisation's places and fields are set to the same values.
"""

from __future__ import annotations

from datetime import date

from crpm_plugins.cso_map import places as place_rules
from crpm_plugins.cso_map.places import PlaceData, ProfileData
from sqlalchemy import select

from crpm_cms.plugin_api import Organisation, db

# acronym → places (country, city, region, latitude, longitude, precision), directory fields
DEMO_PLACES: dict[str, tuple[list[tuple], tuple[list[str], str, str]]] = {
    "PANES-M": ([("SN", "Dakar", "Dakar", 14.6928, -17.4467, "exact")],
                (["returnees", "youth", "women_migrants"], "mainstreamed", "fr;wo")),
    "AFMRT": ([("SN", "Thiès", "Thiès", 14.7886, -16.9260, "city")],
              (["women_migrants", "returnees"], "targeted", "fr;wo")),
    "DGASE": ([("SN", "Dakar", "Dakar", 14.6711, -17.4326, "exact")],
              (["diaspora", "families"], "none", "fr")),
    "RISCM": ([("CI", "Abidjan", "Abidjan", 5.3364, -4.0267, "exact")],
              (["returnees", "trafficking_survivors"], "mainstreamed", "fr")),
    "OIM-CI": ([("CI", "Bouaké", "Gbêkê", 7.6906, -5.0303, "exact")],
               (["migrant_workers", "students"], "none", "fr;en")),
    "COGUIMED": ([("GN", "Conakry", "Conakry", 9.5370, -13.6773, "exact"),
                  ("GN", "Kankan", "Kankan", 10.3850, -9.3057, "city")],
                 (["youth", "returnees"], "mainstreamed", "fr;ff;sus")),
    "AGJMS": ([("GN", "Labé", "Labé", 11.3182, -12.2833, "region")],
              (["youth", "children"], "targeted", "fr;ff")),
    "PCOM": ([("CM", "Douala", "Littoral", 4.0511, 9.7679, "exact"),
              ("CM", "Maroua", "Extrême-Nord", 10.5956, 14.3247, "city")],
             (["displaced", "refugees", "women_migrants"], "targeted", "fr;en")),
    "MINREX-DCE": ([("CM", "Yaoundé", "Centre", 3.8667, 11.5167, "exact")],
                   (["diaspora"], "none", "fr;en")),
    "RECAD": ([("KM", "Moroni", "Ngazidja", -11.7022, 43.2551, "exact"),
               ("KM", "Mutsamudu", "Ndzuwani", -12.1675, 44.3994, "city")],
              (["diaspora", "families"], "mainstreamed", "fr;ar;zdj")),
    "PMSCM": ([("MG", "Antananarivo", "Analamanga", -18.9100, 47.5250, "exact")],
              (["migrant_workers", "women_migrants"], "targeted", "mg;fr")),
    "CEMTA": ([("MG", "Antananarivo", "Analamanga", -18.8792, 47.5079, "exact")],
              (["migrant_workers"], "none", "mg;fr;en")),
    "CMMD": ([("MA", "Rabat", "Rabat-Salé-Kénitra", 34.0209, -6.8416, "exact")],
             (["refugees", "migrant_workers", "children"], "mainstreamed", "ar;fr")),
    "AFMO": ([("MA", "Oujda", "Oriental", 34.6814, -1.9086, "region")],
             (["women_migrants", "refugees"], "targeted", "ar;fr")),
    "FTGM": ([("TN", "Tunis", "Tunis", 36.8065, 10.1815, "exact"),
              ("TN", "Sfax", "Sfax", 34.7406, 10.7603, "city")],
             (["migrant_workers", "refugees"], "mainstreamed", "ar;fr")),
    "OTE": ([("TN", "Tunis", "Tunis", 36.8190, 10.1658, "exact")],
            (["diaspora", "families"], "none", "ar;fr")),
    "FADSF": ([("FR", "Paris", "Île-de-France", 48.8897, 2.3537, "exact"),
               ("SN", "Matam", "Matam", 15.6559, -13.2554, "city")],
              (["diaspora", "returnees"], "mainstreamed", "fr;wo;ff")),
    "CCMC": ([("FR", "Marseille", "Provence-Alpes-Côte d'Azur", 43.3102, 5.3869, "city"),
              ("KM", "", "", None, None, "country")],
             (["diaspora", "families"], "none", "fr;zdj")),
    "AGFS": ([("FR", "Montreuil", "Île-de-France", 48.8611, 2.4437, "exact")],
             (["diaspora", "returnees", "youth"], "targeted", "fr;ff;sus")),
}
VERIFIED = ("PANES-M", "AFMRT", "RISCM", "CMMD", "FADSF")


def load_demo_places() -> None:
    """Give the core's demo organisations their places and directory fields."""
    found = {organisation.acronym: organisation for organisation in db.session.scalars(
        select(Organisation).where(Organisation.acronym.in_(DEMO_PLACES)))}
    for acronym, (places, (groups, gender, languages)) in DEMO_PLACES.items():
        organisation = found.get(acronym)
        if organisation is None:
            continue
        place_rules.set_places(organisation.id, [PlaceData(*place) for place in places])
        place_rules.set_profile(organisation.id, ProfileData(groups, gender,
                                                             languages.split(";")))
        profile = place_rules.profile_of(organisation.id)
        if acronym in VERIFIED and profile is not None and profile.last_verified_on is None:
            place_rules.mark_verified(organisation.id, None, "email", date(2026, 1, 15))
    db.session.commit()
