"""District outlines (GeoJSON) and which district a point lies in.

Point-in-polygon is a small even-odd ray cast with a bounding-box check first: the outlines
are a few thousand vertices, so a lookup costs tens of microseconds in plain Python
(`python -m bench.locate` measures it against shapely) and the product needs no GEOS.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.gazetteer.model import District, GazetteerError

OUTLINES_FILE = "outlines.geojson"  # optional: without it, locations cannot be placed

Ring = tuple[tuple[float, float], ...]  # (lon, lat) pairs, as GeoJSON orders them
Polygon = tuple[Ring, ...]  # the outer ring, then its holes
BBox = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat

EARTH_RADIUS_KM = 6371.0
# A point this close to an outline is proposed for it (and confirmed): the outlines are
# simplified, so towns on the coast such as Ormara fall a few hundred metres outside.
NEAR_KM = 5.0
_KM_PER_DEGREE_LAT = 110.57
_KM_PER_DEGREE_LON = 111.32  # at the equator; times cos(latitude)


@dataclass(frozen=True, slots=True)
class Outline:
    """One outline and the districts it covers (the parent first when several share it)."""

    name: str
    slugs: tuple[str, ...]
    polygons: tuple[Polygon, ...]
    bbox: BBox

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point is inside (on an edge counts as either side)."""
        west, south, east, north = self.bbox
        if not (west <= lon <= east and south <= lat <= north):
            return False
        return any(_in_polygon(polygon, lon, lat) for polygon in self.polygons)


class PlacementKind(enum.StrEnum):
    """How a point relates to the outlines."""

    DISTRICT = "district"  # inside an outline of one district
    SHARED = "shared"  # inside an outline several districts share: ask which
    NEAR = "near"  # just outside an outline (its border is approximate): ask
    OUTSIDE = "outside"  # in no outline: outside the region, or at sea


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a point is: the districts it may be in, the likeliest first."""

    kind: PlacementKind
    districts: tuple[District, ...] = ()
    outside_km: float = 0.0  # for NEAR: how far outside the outline the point is

    @property
    def best(self) -> District | None:
        """The likeliest district, if any."""
        return self.districts[0] if self.districts else None


def locate(
    outlines: Sequence[Outline], by_slug: Mapping[str, District], lat: float, lon: float
) -> Placement:
    """The district(s) whose outline holds the point, nearest headquarters first."""

    def by_distance(outline: Outline) -> tuple[District, ...]:
        # A shared outline cannot tell its districts apart: the nearest headquarters is the
        # best guess, and the resident confirms it.
        found = (by_slug[slug] for slug in outline.slugs)
        return tuple(sorted(found, key=lambda d: distance_km(lat, lon, d.lat, d.lon)))

    for outline in outlines:
        if outline.contains(lat, lon):
            found = by_distance(outline)
            kind = PlacementKind.SHARED if len(found) > 1 else PlacementKind.DISTRICT
            return Placement(kind, found)
    near = [(km, o) for o in outlines if (km := _km_outside(o, lat, lon)) <= NEAR_KM]
    if near:
        km, outline = min(near, key=lambda pair: pair[0])
        return Placement(PlacementKind.NEAR, by_distance(outline), km)
    return Placement(PlacementKind.OUTSIDE)


def _km_outside(outline: Outline, lat: float, lon: float) -> float:
    """Distance from the point to the outline's nearest edge (a flat-earth approximation)."""
    margin = NEAR_KM / _KM_PER_DEGREE_LAT * 2  # degrees; generous at these latitudes
    west, south, east, north = outline.bbox
    if not (west - margin <= lon <= east + margin and south - margin <= lat <= north + margin):
        return math.inf
    kx = _KM_PER_DEGREE_LON * math.cos(math.radians(lat))
    px, py = lon * kx, lat * _KM_PER_DEGREE_LAT
    best = math.inf
    for polygon in outline.polygons:
        for ring in polygon:
            x1, y1 = ring[-1][0] * kx, ring[-1][1] * _KM_PER_DEGREE_LAT
            for lon2, lat2 in ring:
                x2, y2 = lon2 * kx, lat2 * _KM_PER_DEGREE_LAT
                best = min(best, _to_segment(px, py, x1, y1, x2, y2))
                x1, y1 = x2, y2
    return best


def _to_segment(px: float, py: float, x1: float, y1: float, x2: float, y2: float) -> float:
    dx, dy = x2 - x1, y2 - y1
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / length))
    return math.hypot(px - x1 - t * dx, py - y1 - t * dy)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _in_ring(ring: Ring, x: float, y: float) -> bool:
    """Even-odd rule: a ray to the east crosses the ring's edges an odd number of times."""
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
        x1, y1 = x2, y2
    return inside


def _in_polygon(polygon: Polygon, x: float, y: float) -> bool:
    outer, *holes = polygon
    return _in_ring(outer, x, y) and not any(_in_ring(hole, x, y) for hole in holes)


# --- loading ---------------------------------------------------------------------------


def load_outlines(directory: Path, known: Mapping[str, District]) -> tuple[Outline, ...]:
    """Read `outlines.geojson` if the directory has one; every `slugs` entry must be known."""
    path = directory / OUTLINES_FILE
    if not path.exists():
        return ()
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GazetteerError(path, None, f"not GeoJSON: {exc}") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise GazetteerError(path, None, "expected a GeoJSON FeatureCollection")
    found: list[Outline] = []
    owners: dict[str, str] = {}
    for number, feature in enumerate(document.get("features") or [], start=1):
        outline = _outline(path, number, feature, known)
        for slug in outline.slugs:
            if slug in owners:
                raise GazetteerError(
                    path, None, f"feature {number}: '{slug}' is also in outline {owners[slug]!r}"
                )
            owners[slug] = outline.name
        found.append(outline)
    return tuple(found)


def _outline(path: Path, number: int, feature: Any, known: Mapping[str, District]) -> Outline:
    def error(message: str) -> GazetteerError:
        return GazetteerError(path, None, f"feature {number}: {message}")

    if not isinstance(feature, dict):
        raise error("not a GeoJSON Feature")
    properties = feature.get("properties") or {}
    slugs = properties.get("slugs")
    if not isinstance(slugs, list) or not slugs or not all(isinstance(s, str) for s in slugs):
        raise error("'properties.slugs' must be a non-empty list of district slugs")
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise error(f"unknown district(s) {', '.join(unknown)} (slugs from districts.csv)")
    geometry = feature.get("geometry") or {}
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        raise error("geometry must be a Polygon or MultiPolygon")
    raw_polygons: Any = [coordinates] if kind == "Polygon" else coordinates
    try:
        polygons = tuple(_polygon(raw) for raw in raw_polygons)
    except (TypeError, ValueError) as exc:
        raise error(f"bad coordinates: {exc}") from None
    if not polygons:
        raise error("geometry has no polygons")
    xs = [x for polygon in polygons for x, _y in polygon[0]]
    ys = [y for polygon in polygons for _x, y in polygon[0]]
    name = str(properties.get("shapeName") or properties.get("name") or slugs[0])
    return Outline(name, tuple(slugs), polygons, (min(xs), min(ys), max(xs), max(ys)))


def _polygon(raw: Any) -> Polygon:
    rings = []
    for raw_ring in raw:
        ring = tuple((float(point[0]), float(point[1])) for point in raw_ring)
        if len(ring) < 4 or ring[0] != ring[-1]:
            raise ValueError("a ring needs at least 4 positions, the last equal to the first")
        if not all(abs(x) <= 180 and abs(y) <= 90 for x, y in ring):
            raise ValueError("a position is out of range (longitude first, then latitude)")
        rings.append(ring[:-1])
    if not rings:
        raise ValueError("a polygon without rings")
    return tuple(rings)
