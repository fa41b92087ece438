"""Build ``static/outlines.geojson``, the map's offline base layer, from Natural Earth data.

Run once (the result is committed), from the plugin folder::

    cd /tmp && npm pack world-atlas && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_outlines.py /tmp/package/countries-50m.json static/outlines.geojson

The npm package ``world-atlas`` (ISC licence) redistributes Natural Earth's admin-0 country
boundaries (public domain) as TopoJSON. The 1:50m file is used because the 1:110m one leaves out
the Comoros; its arcs are simplified (Douglas-Peucker) before the rings are rebuilt, so that
neighbouring countries keep a common border, then clipped to Africa, Europe and the Middle East
and rounded to 0.01° (about 1 km), which is plenty for a base layer drawn at country scale.
"""

from __future__ import annotations

import json
import sys
from itertools import pairwise
from pathlib import Path

Point = tuple[float, float]
BOX = (-26.0, -37.0, 62.0, 72.0)  # west, south, east, north
TOLERANCE = 0.2  # degrees; the network's own borders keep more detail
NETWORK_TOLERANCE = 0.08
MIN_AREA = 0.05  # square degrees: smaller islands are left out, except the network's
DECIMALS = 2
# ISO 3166-1 numeric codes of the CRPM countries and France, drawn in a stronger colour.
NETWORK = {"120", "174", "384", "324", "450", "504", "686", "788", "250"}


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Absolute coordinates of each arc (TopoJSON arcs are quantised and delta-encoded)."""
    (scale_x, scale_y), (move_x, move_y) = (topology["transform"]["scale"],
                                            topology["transform"]["translate"])
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        arcs.append(points)
    return arcs


def distance_to_segment(point: Point, start: Point, end: Point) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, keeping both ends (iterative, so long arcs cannot overflow the stack)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            gap = distance_to_segment(points[i], points[first], points[last])
            if gap > worst:
                worst, index = gap, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def ring(indexes: list[int], arcs: list[list[Point]]) -> list[Point]:
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points += arc if not points else arc[1:]
    return points


def clip(points: list[Point]) -> list[Point]:
    """Sutherland-Hodgman clipping of a closed ring to ``BOX``."""
    west, south, east, north = BOX
    edges = [(lambda p: p[0] >= west, 0, west), (lambda p: p[0] <= east, 0, east),
             (lambda p: p[1] >= south, 1, south), (lambda p: p[1] <= north, 1, north)]
    for inside, axis, limit in edges:
        if not points:
            break
        result: list[Point] = []
        for current, previous in zip(points, points[-1:] + points[:-1], strict=True):
            if inside(current) != inside(previous):
                share = (limit - previous[axis]) / (current[axis] - previous[axis])
                crossing = [previous[0] + share * (current[0] - previous[0]),
                            previous[1] + share * (current[1] - previous[1])]
                crossing[axis] = limit
                result.append((crossing[0], crossing[1]))
            if inside(current):
                result.append(current)
        points = result
    return points


def rounded_ring(points: list[Point]) -> list[list[float]] | None:
    coordinates: list[list[float]] = []
    for x, y in clip(points[:-1] if points and points[0] == points[-1] else points):
        pair = [round(x, DECIMALS), round(y, DECIMALS)]
        if not coordinates or coordinates[-1] != pair:
            coordinates.append(pair)
    if len(coordinates) < 3:
        return None
    return [*coordinates, coordinates[0]]


def area(points: list[list[float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(points))) / 2


def network_arcs(topology: dict) -> set[int]:
    """Arcs drawn by a country of the network (simplified less, so the Comoros survive)."""
    found: set[int] = set()
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") in NETWORK:
            for polygon in polygons(geometry):
                found.update(index if index >= 0 else ~index for ring in polygon for index in ring)
    return found


def polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["arcs"]
    return []


def build(topology: dict) -> dict:
    detailed = network_arcs(topology)
    arcs = [simplify(arc, NETWORK_TOLERANCE if index in detailed else TOLERANCE)
            for index, arc in enumerate(decode_arcs(topology))]
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        shapes = []
        in_network = geometry.get("id") in NETWORK
        for polygon in polygons(geometry):
            rings = [rounded_ring(ring(indexes, arcs)) for indexes in polygon]
            outer = rings[0] if rings else None
            if outer is not None and (in_network or area(outer) >= MIN_AREA):
                shapes.append([r for r in rings if r is not None])
        if shapes:
            features.append({"type": "Feature", "properties": {
                "network": geometry.get("id") in NETWORK},
                "geometry": {"type": "MultiPolygon", "coordinates": shapes}})
    return {"type": "FeatureCollection", "features": features}


def main(source: str, target: str) -> None:
    outlines = build(json.loads(Path(source).read_text(encoding="utf-8")))
    Path(target).write_text(json.dumps(outlines, separators=(",", ":")), encoding="utf-8")
    print(f"{len(outlines['features'])} countries, {Path(target).stat().st_size:,} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:3])
