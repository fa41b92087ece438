"""The map's own vocabularies and place names, shipped as data in ``data/``.

Target groups come with French and English labels (a deployment may extend the CSV); gender
focus and precision are fixed lists with translated labels. The gazetteer gives the centre of
each country of the network and of its main cities: a place shown "by city" or "by country"
is drawn there, not at the point it was given.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

from crpm_cms.plugin_api import localised

DATA = Path(__file__).parent / "data"

GENDER_FOCUS_LABELS = {
    "none": _l("No specific gender focus"),
    "mainstreamed": _l("Gender mainstreamed in all activities"),
    "targeted": _l("Gender-targeted activities"),
}
PRECISION_LABELS = {
    "exact": _l("Exact address"),
    "city": _l("City only"),
    "region": _l("Region only (about 100 km)"),
    "country": _l("Country only"),
}


@dataclass(frozen=True)
class Label:
    code: str
    fr: str
    en: str

    @property
    def label(self) -> str:
        return localised(self.fr, self.en)


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def target_groups() -> tuple[Label, ...]:
    return tuple(Label(row["code"], row["label_fr"], row["label_en"])
                 for row in _read("target_groups.csv"))


def target_group_labels() -> dict[str, str]:
    return {group.code: group.label for group in target_groups()}


@cache
def _gazetteer() -> dict[tuple[str, str, str], tuple[float, float]]:
    return {(row["country"], row["kind"], fold(row["name"])):
            (float(row["latitude"]), float(row["longitude"])) for row in _read("gazetteer.csv")}


def fold(name: str) -> str:
    """A place name compared without case, accents, hyphens or extra spaces."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(plain.replace("-", " ").replace("'", " ").split())


def country_centre(country: str) -> tuple[float, float] | None:
    """The point where a place shown "by country" is drawn."""
    return next((point for (code, kind, _name), point in _gazetteer().items()
                 if code == country and kind == "country"), None)


def city_centre(country: str, city: str) -> tuple[float, float] | None:
    """The centre of a known city of ``country``, or ``None``."""
    return _gazetteer().get((country, "city", fold(city))) if city else None
