"""What an indicator page shows: the chart and its table for the visitor's selection, and the
women-and-men comparison, built from the indicator's observations (entered or computed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from crpm_plugins.indicators.catalogue import Dimension, dimensions, dimensions_of
from crpm_plugins.indicators.charts import (
    Chart,
    SeriesData,
    bar_chart,
    line_chart,
    status_grid,
)
from crpm_plugins.indicators.models import ORDINAL_LEVELS, TOTAL, Indicator
from crpm_plugins.indicators.services import Observation, country_map
from crpm_plugins.indicators.vocabulary import ordinal_label
from flask_babel import format_decimal
from flask_babel import gettext as _

SEX = "sex"
WOMEN, MEN = "F", "M"


@dataclass(frozen=True)
class Selection:
    """The visitor's filters: one country or all, and a value for each disaggregation."""

    country: str | None
    picks: dict[str, str]

    def matches(self, observation: Observation, free: str | None = None) -> bool:
        """Whether ``observation`` belongs to this selection, ``free`` dimension aside."""
        if self.country and observation.country_code != self.country:
            return False
        return all(observation.dimension(code) == value
                   for code, value in self.picks.items() if code != free)


@dataclass
class Table:
    caption: str
    corner: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]


@dataclass
class Figure:
    chart: Chart
    table: Table
    csv_args: dict[str, list[str]] = field(default_factory=dict)


def formatter(indicator: Indicator) -> Callable[[float], str]:
    if indicator.value_type == "ordinal":
        return lambda value: ordinal_label(ORDINAL_LEVELS[int(value)])
    return lambda value: format_decimal(value, format="#,##0.##")


def periods_of(observations: Sequence[Observation]) -> list[str]:
    return [period for _year, period in sorted({(o.year, o.period) for o in observations})]


def breakdown_label(indicator: Indicator, breakdown: dict[str, str]) -> str:
    """``Women, 15 to 24`` — or ``Total`` for the headline value."""
    parts = []
    for dimension in dimensions_of(indicator):
        code = breakdown.get(dimension.code, TOTAL)
        found = dimension.value(code)
        if code != TOTAL and found is not None:
            parts.append(found.label)
    return ", ".join(parts) or _("Total")


def describe(kind: str, count: int, periods: Sequence[str]) -> str:
    if not periods:
        return _("No value yet.")
    return _("%(kind)s with %(count)s series from %(first)s to %(last)s; the table below the "
             "chart gives every value.", kind=kind, count=count, first=periods[0],
             last=periods[-1])


def series_table(caption: str, corner: str, categories: Sequence[str],
                 series: Sequence[SeriesData], fmt: Callable[[float], str]) -> Table:
    rows = [(category, [fmt(v) if (v := s.values.get(category)) is not None else "—"
                        for s in series]) for category in categories]
    return Table(caption, corner, [s.name for s in series], rows)


# -- the main chart ----------------------------------------------------------------------------


def varying_dimension(indicator: Indicator, selection: Selection) -> Dimension | None:
    """For one country, the chart compares the values of its first disaggregation."""
    found = dimensions_of(indicator)
    return found[0] if selection.country and found else None


def main_series(indicator: Indicator, observations: Sequence[Observation],
                selection: Selection) -> tuple[list[str], list[SeriesData]]:
    names = {code: country.name for code, country in country_map().items()}
    varying = varying_dimension(indicator, selection)
    chosen = [o for o in observations
              if selection.matches(o, free=varying.code if varying else None)]
    periods = periods_of(chosen)
    if varying is not None:
        groups = [(value.label, [o for o in chosen if o.dimension(varying.code) == value.code])
                  for value in varying.values]
    else:
        groups = [(name, [o for o in chosen if o.country_code == code])
                  for code, name in names.items()]
    series = [SeriesData(label, {o.period: o.value for o in group})
              for label, group in groups if group]
    return periods, series


def main_figure(indicator: Indicator, observations: Sequence[Observation],
                selection: Selection, title: str) -> Figure | None:
    if indicator.value_type == "ordinal":
        return grid_figure(indicator, observations, selection, title)
    fmt = formatter(indicator)
    periods, series = main_series(indicator, observations, selection)
    if not series:
        return None
    if indicator.chart == "bar":
        chart = bar_chart(title, describe(_("Bar chart"), len(series), periods), periods,
                          series, fmt)
    else:
        chart = line_chart(title, describe(_("Line chart"), len(series), periods), periods,
                           series, fmt)
    varying = varying_dimension(indicator, selection)
    args = {"country": [selection.country] if selection.country else [],
            **{code: [value] for code, value in selection.picks.items()
               if not varying or code != varying.code}}
    return Figure(chart, series_table(title, _("Period"), periods, series, fmt), args)


def grid_figure(indicator: Indicator, observations: Sequence[Observation],
                selection: Selection, title: str) -> Figure | None:
    chosen = [o for o in observations if selection.matches(o)]
    if not chosen:
        return None
    names = {code: country.name for code, country in country_map().items()}
    periods = periods_of(chosen)
    rows = [(name, {o.period: int(o.value) for o in chosen if o.country_code == code})
            for code, name in names.items() if any(o.country_code == code for o in chosen)]
    level = formatter(indicator)
    chart = status_grid(title, describe(_("Grid of policy statuses"), len(rows), periods),
                        periods, rows, level)
    table = Table(title, _("Country"), list(periods), [
        (name, [level(levels[p]) if p in levels else "—" for p in periods])
        for name, levels in rows])
    return Figure(chart, table, {"country": [selection.country] if selection.country else []})


# -- women and men side by side ----------------------------------------------------------------


def gender_figure(indicator: Indicator, observations: Sequence[Observation],
                  selection: Selection) -> Figure | None:
    """For each country, the latest period with a value for women and for men, side by side,
    with the total and the difference."""
    if SEX not in (indicator.disaggregations or []) or indicator.value_type == "ordinal":
        return None
    fmt = formatter(indicator)
    chosen = [o for o in observations if selection.matches(o, free=SEX)]
    names = {code: country.name for code, country in country_map().items()}
    women: dict[str, float] = {}
    men: dict[str, float] = {}
    rows: list[tuple[str, list[str]]] = []
    for code, name in names.items():
        mine = {(o.period, o.dimension(SEX)): o for o in chosen if o.country_code == code}
        both = [o.period for o in chosen if o.country_code == code
                and (o.period, WOMEN) in mine and (o.period, MEN) in mine]
        if not both:
            continue
        period = max(both, key=lambda p: (mine[(p, WOMEN)].year, p))
        # the chart's axis shows the ISO code (short), the table the name and the period
        women[code], men[code] = mine[(period, WOMEN)].value, mine[(period, MEN)].value
        total = mine[(period, TOTAL)].value if (period, TOTAL) in mine else None
        rows.append((f"{name} ({period})", [
            fmt(women[code]), fmt(men[code]), fmt(total) if total is not None else "—",
            fmt(women[code] - men[code])]))
    if not rows:
        return None
    labels = {value.code: value.label for value in dimensions()[SEX].values}
    series = [SeriesData(labels[WOMEN], women), SeriesData(labels[MEN], men)]
    title = _("Women and men: %(indicator)s", indicator=indicator.name)
    chart = bar_chart(title, _("Bar chart comparing women and men in %(count)s countries, "
                               "latest period with both values; the table below gives every "
                               "value.", count=len(rows)),
                      list(women), series, fmt, hatch_from=1)
    table = Table(title, _("Country (period)"),
                  [series[0].name, series[1].name, _("Total"), _("Women minus men")], rows)
    args = {"country": [selection.country] if selection.country else [], SEX: [WOMEN, MEN],
            **{code: [value] for code, value in selection.picks.items() if code != SEX}}
    return Figure(chart, table, args)
