"""Frameworks, disaggregations and indicator definitions are data, not code.

The plugin ships ``data/dimensions.json``, ``data/frameworks.json`` and ``data/indicators.json``;
a deployment adds its national frameworks and indicators as ``instance/indicators/*.json`` files
of the same layout. ``load_catalogue`` upserts them all by code (``crpm init`` runs it through the
``load_reference_data`` hook, ``crpm indicators load`` on demand) and never touches values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from crpm_plugins.indicators.models import (
    CHARTS,
    PERIODICITIES,
    TOTAL,
    VALUE_TYPES,
    Framework,
    Indicator,
    Target,
)
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crpm_cms.plugin_api import Country, Term, db, localised_field

DATA = Path(__file__).parent / "data"
TEXT_FIELDS = ("name", "definition", "method", "unit", "sources")
FRAMEWORK_FIELDS = ("name", "short", "description", "target_term")


class CatalogueError(ValueError):
    """A catalogue file is wrong; the message names the file and the item."""


# -- dimensions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DimensionValue:
    code: str
    label_fr: str
    label_en: str

    @property
    def label(self) -> str:
        return localised_field(self, "label")


@dataclass(frozen=True)
class Dimension:
    """A disaggregation (sex, age group…): its Open SDG column and its values, total first."""

    code: str
    column: str
    label_fr: str
    label_en: str
    values: tuple[DimensionValue, ...]

    @property
    def label(self) -> str:
        return localised_field(self, "label")

    def value(self, code: str) -> DimensionValue | None:
        return next((value for value in self.values if value.code == code), None)

    def parts(self) -> tuple[DimensionValue, ...]:
        """The values other than the total."""
        return tuple(value for value in self.values if value.code != TOTAL)


@cache
def dimensions() -> dict[str, Dimension]:
    """Every disaggregation dimension, by code, in file order (read once per process)."""
    raw = json.loads((DATA / "dimensions.json").read_text(encoding="utf-8"))
    return {item["code"]: Dimension(
        code=item["code"], column=item["column"], label_fr=item["label_fr"],
        label_en=item["label_en"],
        values=tuple(DimensionValue(v["code"], v["label_fr"], v["label_en"])
                     for v in item["values"]),
    ) for item in raw["dimensions"]}


def dimensions_of(indicator: Indicator) -> list[Dimension]:
    return [dimensions()[code] for code in indicator.disaggregations or []
            if code in dimensions()]


# -- reading the files -------------------------------------------------------------------------


def catalogue_files() -> list[Path]:
    """The shipped files, then the deployment's ``instance/indicators/*.json`` in name order."""
    extra = Path(current_app.instance_path) / "indicators"
    return [DATA / "frameworks.json", DATA / "indicators.json",
            *sorted(extra.glob("*.json") if extra.is_dir() else [])]


def read_file(path: Path) -> dict[str, list[dict[str, Any]]]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogueError(f"{path}: not a readable JSON file ({error})") from None
    if not isinstance(content, dict):
        raise CatalogueError(f"{path}: expected an object with 'frameworks' and/or 'indicators'")
    return {key: content.get(key) or [] for key in ("frameworks", "indicators")}


def require(item: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [key for key in keys if not str(item.get(key) or "").strip()]
    if missing:
        raise CatalogueError(f"{where}: missing {', '.join(missing)}")


# -- frameworks --------------------------------------------------------------------------------


def target_rows(item: dict[str, Any], where: str) -> list[tuple[str, str, str]]:
    """``(code, label_fr, label_en)`` of a framework's targets, listed or from a core vocabulary."""
    vocabulary = item.get("targets_from")
    if vocabulary:
        terms = db.session.scalars(select(Term).where(Term.vocabulary == vocabulary)
                                   .order_by(Term.position)).all()
        if not terms:
            raise CatalogueError(f"{where}: the core has no '{vocabulary}' reference data")
        return [(term.code, term.label_fr, term.label_en) for term in terms]
    rows = []
    for number, target in enumerate(item.get("targets") or [], start=1):
        require(target, ("code", "label_fr", "label_en"), f"{where}, target {number}")
        rows.append((str(target["code"]), target["label_fr"], target["label_en"]))
    return rows


def upsert_framework(item: dict[str, Any], position: int, where: str,
                     known: dict[str, Framework]) -> Framework:
    require(item, ("code", "name_fr", "name_en"), where)
    framework = known.get(item["code"])
    if framework is None:
        framework = known[item["code"]] = Framework(code=item["code"], targets=[])
        db.session.add(framework)
    for name in FRAMEWORK_FIELDS:
        for language in ("fr", "en"):
            setattr(framework, f"{name}_{language}", item.get(f"{name}_{language}") or "")
    framework.country_code = item.get("country") or None
    if framework.country_code and db.session.get(Country, framework.country_code) is None:
        raise CatalogueError(f"{where}: unknown country {framework.country_code!r}")
    framework.position = position
    existing = {target.code: target for target in framework.targets}
    for index, (code, label_fr, label_en) in enumerate(target_rows(item, where)):
        target = existing.get(code) or Target(code=code)
        target.label_fr, target.label_en, target.position = label_fr, label_en, index
        if code not in existing:
            framework.targets.append(target)
    return framework


# -- indicators --------------------------------------------------------------------------------


def check_indicator(item: dict[str, Any], where: str) -> None:
    require(item, ("code", "name_fr", "name_en"), where)
    choices = {"value_type": VALUE_TYPES, "periodicity": PERIODICITIES, "chart": CHARTS}
    for key, allowed in choices.items():
        if key in item and item[key] not in allowed:
            raise CatalogueError(f"{where}: {key} must be one of {', '.join(allowed)}")
    unknown = [code for code in item.get("disaggregations") or [] if code not in dimensions()]
    if unknown:
        raise CatalogueError(f"{where}: unknown disaggregation(s) {', '.join(unknown)}")


def targets_for(item: dict[str, Any], where: str, known: dict[str, Framework]) -> list[Target]:
    chosen: list[Target] = []
    for framework_code, codes in (item.get("frameworks") or {}).items():
        framework = known.get(framework_code)
        if framework is None:
            raise CatalogueError(f"{where}: unknown framework {framework_code!r}")
        by_code = {target.code: target for target in framework.targets}
        for code in codes:
            if str(code) not in by_code:
                raise CatalogueError(f"{where}: {framework_code} has no target {code!r}")
            chosen.append(by_code[str(code)])
    return chosen


def upsert_indicator(item: dict[str, Any], position: int, where: str,
                     known: dict[str, Indicator], frameworks: dict[str, Framework]) -> Indicator:
    check_indicator(item, where)
    indicator = known.get(item["code"])
    if indicator is None:
        indicator = known[item["code"]] = Indicator(code=item["code"], targets=[], related=[])
        db.session.add(indicator)
    for name in TEXT_FIELDS:
        for language in ("fr", "en"):
            setattr(indicator, f"{name}_{language}", item.get(f"{name}_{language}") or "")
    indicator.value_type = item.get("value_type", "number")
    indicator.periodicity = item.get("periodicity", "annual")
    indicator.chart = item.get("chart", "line")
    indicator.disaggregations = list(item.get("disaggregations") or [])
    indicator.series = dict(item.get("series") or {})
    indicator.publications = list(item.get("publications") or [])
    indicator.position = position
    targets = targets_for(item, where, frameworks)
    if targets != indicator.targets:
        indicator.targets = targets
    return indicator


def link_related(items: list[tuple[dict[str, Any], str]], by_code: dict[str, Indicator]) -> None:
    """Related indicators, once every indicator of every file exists."""
    for item, where in items:
        unknown = [code for code in item.get("related") or [] if code not in by_code]
        if unknown:
            raise CatalogueError(f"{where}: unknown related indicator(s) {', '.join(unknown)}")
        related = [by_code[code] for code in item.get("related") or []]
        if related != by_code[item["code"]].related:
            by_code[item["code"]].related = related


def load_catalogue() -> dict[str, int]:
    """Upsert every framework and indicator of the catalogue files; all or nothing."""
    frameworks: list[tuple[dict[str, Any], str]] = []
    indicators: list[tuple[dict[str, Any], str]] = []
    for path in catalogue_files():
        content = read_file(path)
        frameworks += [(item, f"{path.name}, framework {n}")
                       for n, item in enumerate(content["frameworks"], start=1)]
        indicators += [(item, f"{path.name}, indicator {n}")
                       for n, item in enumerate(content["indicators"], start=1)]
    # everything read in three queries, compared in memory: a second run writes nothing
    known_frameworks = {f.code: f for f in db.session.scalars(
        select(Framework).options(selectinload(Framework.targets)))}
    known_indicators = {i.code: i for i in db.session.scalars(
        select(Indicator).options(selectinload(Indicator.related)))}
    try:
        with db.session.no_autoflush:
            for position, (item, where) in enumerate(frameworks):
                upsert_framework(item, position, where, known_frameworks)
            db.session.flush()
            for position, (item, where) in enumerate(indicators):
                upsert_indicator(item, position, where, known_indicators, known_frameworks)
            link_related(indicators, known_indicators)
    except CatalogueError:
        db.session.rollback()
        raise
    db.session.commit()
    return {"frameworks": len(frameworks), "indicators": len(indicators)}
