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
from domain.gazetteer import DEFAULT_DIRECTORY, Gazetteer, distance_km


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
        best = gazetteer.locate(lat, lon).best
        return best.slug if best else None

    return lookup


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
            outline = shapes[int(index)][1]
            return min(
                (gazetteer.district(s) for s in outline.slugs),
                key=lambda d: distance_km(lat, lon, d.lat, d.lon),
            ).slug
        return None

    return lookup


def main(argv: list[str] | None = None) -> int:
    """Measure both and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=20_000)
    args = parser.parse_args(argv)
    points = _points(args.points)
    ours = _timed(_ours, points)
    theirs = _timed(_shapely, points)
    differ = sum(1 for a, b in zip(ours[3], theirs[3], strict=True) if a != b)
    inside = sum(1 for a in ours[3] if a is not None)
    print(f"{args.points} random points, {inside} inside an outline, {differ} answers differ")
    print("| routine | load ms | µs per lookup | memory MiB |")
    print("| --- | ---: | ---: | ---: |")
    for name, (loaded, per, grown, _answers) in (("ray cast (ours)", ours), ("shapely", theirs)):
        print(f"| {name} | {loaded * 1e3:.1f} | {per * 1e6:.1f} | {grown:.1f} |")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
