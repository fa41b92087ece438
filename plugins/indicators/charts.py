"""Charts drawn on the server: the geometry of a line chart, a grouped bar chart and a grid of
policy statuses, which ``templates/indicators/_chart.html`` writes as inline SVG. No JavaScript:
the chart works without it, prints, and a table beside it gives every number.

Series differ by colour *and* by dash pattern, marker shape or hatching, so they stay apart in
black and white and for people who do not see colours.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

WIDTH, HEIGHT = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44
# Dark enough for 3:1 against white (WCAG non-text contrast), distinct in hue.
COLOURS = ("#0b4a6f", "#c45500", "#17663a", "#8f2d56", "#5b2a86", "#1d2329", "#8a5300",
           "#0a6f7c", "#b42318")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4", "3 3 1 3", "12 3")
MARKERS = ("circle", "square", "triangle", "diamond")
LEVEL_STYLES = {0: ("#f3f5f7", "○"), 1: ("#fff4e0", "◐"), 2: ("#e7f5ec", "●")}


@dataclass(frozen=True)
class SeriesData:
    """A named series: its value for each category (``None`` where nothing was entered)."""

    name: str
    values: Mapping[str, float | None]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    tip: str


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str
    marker: str
    hatched: bool


@dataclass
class Line:
    name: str
    style: Style
    path: str
    marks: list[Mark]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    style: Style
    tip: str


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    width: float
    height: float
    fill: str
    symbol: str
    tip: str


@dataclass
class Chart:
    """Everything the SVG template draws; ``kind`` is ``line``, ``bar`` or ``grid``."""

    kind: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    row_ticks: list[Tick] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    legend: list[tuple[str, Style]] = field(default_factory=list)
    key: list[tuple[str, str, str]] = field(default_factory=list)  # grid: fill, symbol, label
    baseline: float = 0.0

    @property
    def plot(self) -> tuple[int, int, int, int]:
        """Left, top, right and bottom edges of the plotting area."""
        return LEFT, TOP, self.width - RIGHT, self.height - BOTTOM


def style(index: int, hatched: bool = False) -> Style:
    return Style(COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)],
                 MARKERS[index % len(MARKERS)], hatched)


def nice_step(span: float, count: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 x a power of ten) giving about ``count`` intervals."""
    raw = span / count if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= raw)


def value_scale(values: Sequence[float], fmt: Callable[[float], str]
                ) -> tuple[Callable[[float], float], list[Tick], float]:
    """Map values to y pixels (zero always shown); the ticks and the y of zero."""
    low, high = min([0.0, *values]), max([0.0, *values])
    step = nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    high = high if high > low else low + step
    top, bottom = TOP, HEIGHT - BOTTOM

    def y(value: float) -> float:
        return round(bottom - (value - low) / (high - low) * (bottom - top), 1)

    count = round((high - low) / step)
    ticks = [Tick(y(low + i * step), fmt(low + i * step)) for i in range(count + 1)]
    return y, ticks, y(0.0)


def category_scale(categories: Sequence[str]) -> tuple[dict[str, float], float]:
    """The centre of each category's slot on the x axis, and the slot's width."""
    left, right = LEFT, WIDTH - RIGHT
    slot = (right - left) / max(len(categories), 1)
    return {name: round(left + slot * (i + 0.5), 1) for i, name in enumerate(categories)}, slot


def present(series: Sequence[SeriesData]) -> list[float]:
    return [v for s in series for v in s.values.values() if v is not None]


def line_chart(title: str, description: str, categories: Sequence[str],
               series: Sequence[SeriesData], fmt: Callable[[float], str]) -> Chart:
    y, y_ticks, baseline = value_scale(present(series), fmt)
    x, _slot = category_scale(categories)
    chart = Chart("line", title, description, y_ticks=y_ticks, baseline=baseline,
                  x_ticks=[Tick(x[name], name) for name in categories])
    for index, data in enumerate(series):
        points = [(x[c], y(v), f"{data.name}, {c}: {fmt(v)}")
                  for c in categories if (v := data.values.get(c)) is not None]
        # a gap in the data is a gap in the line: "M" starts a new segment after a missing year
        path, previous = [], None
        for category in categories:
            value = data.values.get(category)
            if value is None:
                previous = None
                continue
            path.append(f"{'L' if previous else 'M'}{x[category]} {y(value)}")
            previous = category
        chart.lines.append(Line(data.name, style(index), " ".join(path),
                                [Mark(px, py, tip) for px, py, tip in points]))
        chart.legend.append((data.name, style(index)))
    return chart


def bar_chart(title: str, description: str, categories: Sequence[str],
              series: Sequence[SeriesData], fmt: Callable[[float], str],
              hatch_from: int | None = None) -> Chart:
    """Grouped bars: one group per category, one bar per series (hatched from ``hatch_from``)."""
    y, y_ticks, baseline = value_scale(present(series), fmt)
    x, slot = category_scale(categories)
    width = slot * 0.8 / max(len(series), 1)
    chart = Chart("bar", title, description, y_ticks=y_ticks, baseline=baseline,
                  x_ticks=[Tick(x[name], name) for name in categories])
    for index, data in enumerate(series):
        bar_style = style(index, hatched=hatch_from is not None and index >= hatch_from)
        chart.legend.append((data.name, bar_style))
        for category in categories:
            value = data.values.get(category)
            if value is None:
                continue
            left = x[category] - slot * 0.4 + index * width
            top, bottom = sorted((y(value), baseline))
            chart.bars.append(Bar(round(left, 1), top, round(width - 1, 1),
                                  round(max(bottom - top, 1), 1), bar_style,
                                  f"{data.name}, {category}: {fmt(value)}"))
    return chart


def status_grid(title: str, description: str, columns: Sequence[str],
                rows: Sequence[tuple[str, dict[str, int]]],
                level_name: Callable[[int], str]) -> Chart:
    """Rows (countries) x columns (periods); each cell shows a policy status by shade and
    symbol, never by colour alone."""
    left, top, right = 120, 8, WIDTH - RIGHT
    cell_width = (right - left) / max(len(columns), 1)
    cell_height = 28
    height = top + cell_height * len(rows) + 32
    chart = Chart("grid", title, description, height=height)
    chart.x_ticks = [Tick(round(left + cell_width * (i + 0.5), 1), name)
                     for i, name in enumerate(columns)]
    for row_index, (name, levels) in enumerate(rows):
        row_top = top + row_index * cell_height
        chart.row_ticks.append(Tick(row_top + cell_height / 2, name))
        for column_index, column in enumerate(columns):
            level = levels.get(column)
            if level is None:
                continue
            fill, symbol = LEVEL_STYLES[level]
            chart.cells.append(Cell(round(left + column_index * cell_width + 1, 1), row_top + 1,
                                    round(cell_width - 2, 1), cell_height - 2, fill, symbol,
                                    f"{name}, {column}: {level_name(level)}"))
    chart.key = [(fill, symbol, level_name(level))
                 for level, (fill, symbol) in LEVEL_STYLES.items()]
    return chart
