"""Placing a shared location: the gazetteer's own ray cast against shapely (the baseline).

Run: python -m bench.locate [--points N]. Prints one table: load time, time per lookup,
imported memory, and whether both agree on every point.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable

from bench.measure import rss_mib
from domain.gazetteer import DEFAULT_DIRECTORY, Gazetteer, PlacementKind, distance_km


def _points(count: int, seed: int = 11) -> list[tuple[float, float]]:
    """Random points over the region's box plus a margin: inside, outside and at sea."""
    rng = random.Random(seed)
    return [(rng.uniform(23.5, 33.0), rng.uniform(60.0, 71.0)) for _ in range(count)]


Lookup = Callable[[float, float], str | None]


def _timed(
    build: Callable[[], Lookup], points: list[tuple[float, float]]
) -> tuple[float, float, float, list[str | None]]:
    before = rss_mib()
    started = time.perf_counter()
    lookup = build()
    loaded = time.perf_counter() - started
    grown = rss_mib() - before
    started = time.perf_counter()
    answers = [lookup(lat, lon) for lat, lon in points]
    per_lookup = (time.perf_counter() - started) / len(points)
    return loaded, per_lookup, grown, answers


def _ours() -> Lookup:
    gazetteer = Gazetteer.load(DEFAULT_DIRECTORY)

    def lookup(lat: float, lon: float) -> str | None:
        placement = gazetteer.locate(lat, lon)
        # Points just outside an outline (NEAR) are proposed by us only; shapely says None.
        inside = placement.best and placement.kind is not PlacementKind.NEAR
        return placement.best.slug if inside and placement.best else None

    return lookup


def _ours_inside_only() -> Lookup:
    """The ray cast alone, as shapely does it: no tolerance at the borders."""
    gazetteer = Gazetteer.load(DEFAULT_DIRECTORY)

    def lookup(lat: float, lon: float) -> str | None:
        for outline in gazetteer.outlines:
            if outline.contains(lat, lon):
                return _nearest(gazetteer, outline.slugs, lat, lon)
        return None

    return lookup


def _nearest(gazetteer: Gazetteer, slugs: tuple[str, ...], lat: float, lon: float) -> str:
    found = (gazetteer.district(s) for s in slugs)
    return min(found, key=lambda d: distance_km(lat, lon, d.lat, d.lon)).slug


def _shapely() -> Lookup:
    import shapely  # the baseline only; the product does not depend on it

    gazetteer = Gazetteer.default()
    shapes = [
        (shapely.MultiPolygon([(p[0], p[1:]) for p in o.polygons]), o) for o in gazetteer.outlines
    ]
    tree = shapely.STRtree([shape for shape, _ in shapes])
    for shape, _outline in shapes:
        shapely.prepare(shape)

    def lookup(lat: float, lon: float) -> str | None:
        point = shapely.Point(lon, lat)
        for index in tree.query(point, predicate="intersects"):
            return _nearest(gazetteer, shapes[int(index)][1].slugs, lat, lon)
        return None

    return lookup


def main(argv: list[str] | None = None) -> int:
    """Measure both and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=20_000)
    args = parser.parse_args(argv)
    points = _points(args.points)
    rows = {
        "ray cast, inside only": _timed(_ours_inside_only, points),
        "Gazetteer.locate (ray cast + 5 km border check)": _timed(_ours, points),
        "shapely 2.1.2 (STRtree + prepared)": _timed(_shapely, points),
    }
    answers = [row[3] for row in rows.values()]
    differ = sum(1 for a, b, c in zip(*answers, strict=True) if not a == b == c)
    inside = sum(1 for a in answers[0] if a is not None)
    print(f"{args.points} random points, {inside} inside an outline, {differ} answers differ")
    print("| routine | load ms | µs per lookup | memory MiB |")
    print("| --- | ---: | ---: | ---: |")
    for name, (loaded, per, grown, _answers) in rows.items():
        print(f"| {name} | {loaded * 1e3:.1f} | {per * 1e6:.1f} | {grown:.1f} |")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
