"""District outlines: loading them with a region, and placing a point in its district."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import shapely

from domain.gazetteer import DEFAULT_DIRECTORY, Gazetteer, GazetteerError, PlacementKind
from domain.gazetteer.outlines import OUTLINES_FILE, _in_polygon

G = Gazetteer.default()
K = PlacementKind


def test_every_district_headquarters_lies_in_the_outline_that_lists_it() -> None:
    for district in G.districts:
        placement = G.locate(district.lat, district.lon)
        assert placement.best == district, district.slug
        assert placement.kind is (K.SHARED if len(placement.districts) > 1 else K.DISTRICT)


def test_a_shared_outline_offers_its_districts_nearest_headquarters_first() -> None:
    # Near Chaman town, inside the old Qilla Abdullah outline.
    near_chaman = G.locate(30.90, 66.47)
    assert near_chaman.kind is K.SHARED
    assert [d.slug for d in near_chaman.districts] == ["chaman", "killa-abdullah"]
    near_gulistan = G.locate(30.60, 66.60)
    assert [d.slug for d in near_gulistan.districts] == ["killa-abdullah", "chaman"]


def test_just_outside_a_simplified_border_is_near() -> None:
    ormara = G.locate(25.2088, 64.6357)  # the coast is simplified away north of the town
    assert ormara.kind is K.NEAR and [d.slug for d in ormara.districts] == ["gwadar"]
    assert 0 < ormara.outside_km < 1
    gaddani = G.locate(25.117, 66.733)
    assert gaddani.kind is K.NEAR and [d.slug for d in gaddani.districts] == ["hub", "lasbela"]


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (0.0, 0.0),  # no fix yet
        (24.5, 63.5),  # the Arabian Sea south of Gwadar
        (24.86, 67.01),  # Karachi, Sindh
        (34.53, 69.17),  # Kabul
        (29.5, 60.9),  # Zahedan, Iran
    ],
)
def test_points_outside_the_outlines(lat: float, lon: float) -> None:
    placement = G.locate(lat, lon)
    assert placement.kind is K.OUTSIDE and placement.best is None


def test_ray_cast_agrees_with_shapely_on_random_points() -> None:
    rng = random.Random(5)
    for outline in G.outlines:
        shape = shapely.MultiPolygon([(p[0], p[1:]) for p in outline.polygons])
        west, south, east, north = outline.bbox
        for _ in range(200):
            lon, lat = rng.uniform(west, east), rng.uniform(south, north)
            assert outline.contains(lat, lon) == shape.contains(shapely.Point(lon, lat))


def test_a_hole_is_outside() -> None:
    square = ((0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0))
    hole = ((1.0, 1.0), (3.0, 1.0), (3.0, 3.0), (1.0, 3.0))
    assert _in_polygon((square, hole), 0.5, 0.5)
    assert not _in_polygon((square, hole), 2.0, 2.0)
    assert not _in_polygon((square, hole), 5.0, 2.0)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "region"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


def test_a_region_without_outlines_places_nothing(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / OUTLINES_FILE).unlink()
    gazetteer = Gazetteer.load(directory)
    assert gazetteer.outlines == ()
    assert gazetteer.locate(30.18, 67.0).kind is K.OUTSIDE


def _rewrite(directory: Path, change: object) -> None:
    path = directory / OUTLINES_FILE
    document = json.loads(path.read_text())
    change(document)  # type: ignore[operator]
    path.write_text(json.dumps(document))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["features"][0]["properties"].update(slugs=["atlantis"]), "unknown district"),
        (lambda d: d["features"][1]["properties"].update(slugs=["khuzdar"]), "also in outline"),
        (lambda d: d["features"][0]["properties"].pop("slugs"), "properties.slugs"),
        (lambda d: d["features"][0]["geometry"].update(type="Point"), "Polygon or MultiPolygon"),
        (lambda d: d["features"][0]["geometry"]["coordinates"][0].pop(), "last equal"),
        (lambda d: d.update(type="Feature"), "FeatureCollection"),
    ],
)
def test_bad_outline_files_are_refused(tmp_path: Path, change: object, message: str) -> None:
    directory = _copy(tmp_path)
    _rewrite(directory, change)
    with pytest.raises(GazetteerError, match=message):
        Gazetteer.load(directory)


def test_outline_file_that_is_not_json(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / OUTLINES_FILE).write_text("{not json")
    with pytest.raises(GazetteerError, match="not GeoJSON"):
        Gazetteer.load(directory)


def test_the_check_command_counts_outlines(capsys: pytest.CaptureFixture[str]) -> None:
    from domain.gazetteer.__main__ import main

    assert main([]) == 0
    assert "27 district outlines (8 shared by several districts" in capsys.readouterr().out
