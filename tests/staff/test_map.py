"""The map renders as a real PNG a phone can show: outlines in the legend's severity colours."""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping

import shapely
from PIL import Image

from core.i18n import Catalogs
from domain.alerts import Severity
from domain.gazetteer import Gazetteer
from tests.staff.publishing import G
from views.map import COLOURS, FLAT_COLOURS, SUSPENDED_ROUTE, WIDTH, projection, render_map
from views.map_text import _naskh_has, can_shape, runs

CATALOGS = Catalogs.load()
EN = CATALOGS.get("en")


def _image(
    highest: Mapping[str, Severity],
    *,
    gazetteer: Gazetteer = G,
    suspended: Collection[str] = (),
    language: str = "en",
) -> Image.Image:
    png = render_map(
        gazetteer, highest, CATALOGS.get(language), subtitle="test", suspended=suspended
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png)).convert("RGB")


def _share_inside(image: Image.Image, slug: str, colour: tuple[int, int, int]) -> float:
    """Of a grid of points inside the district's outline, the share drawn in `colour`.

    Labels, dots and routes cover some of a small district, so more than half is the test.
    """
    outline = next(o for o in G.outlines if slug in o.slugs)
    shape = shapely.MultiPolygon([(p[0], p[1:]) for p in outline.polygons]).buffer(-0.03)
    frame = projection(G)
    west, south, east, north = shape.bounds
    steps = 12
    inside = [
        (south + (north - south) * j / steps, west + (east - west) * i / steps)
        for i in range(steps + 1)
        for j in range(steps + 1)
        if shape.contains(
            shapely.Point(west + (east - west) * i / steps, south + (north - south) * j / steps)
        )
    ]
    assert len(inside) > 10, slug
    hits = 0
    for lat, lon in inside:
        x, y = frame(lat, lon)
        hits += image.getpixel((round(x), round(y))) == colour
    return hits / len(inside)


def test_map_is_a_phone_sized_png_with_the_legend_colours() -> None:
    highest = {"quetta": Severity.EXTREME, "mastung": Severity.SEVERE, "kech": Severity.MINOR}
    png = render_map(G, highest, EN, subtitle="test")
    assert 20_000 < len(png) < 1_000_000  # Telegram takes photos up to 10 MB; keep it light
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width == WIDTH and 900 < image.height < 1600
    colours = {colour for _count, colour in image.getcolors(maxcolors=1_000_000) or []}
    # Every legend entry is drawn, so every severity's colour is there even when unused.
    assert all(COLOURS[level] in colours for level in COLOURS)


def test_the_png_has_a_palette_and_keeps_every_flat_colour_exact() -> None:
    """256 colours, not RGB: the same picture at well under half the bytes; the colours the
    legend and the outlines are drawn in survive the palette unchanged."""
    highest = {"quetta": Severity.EXTREME, "chagai": Severity.SEVERE, "kech": Severity.MINOR}
    png = render_map(G, highest, EN, subtitle="test", suspended=("N-25",))
    drawn = Image.open(io.BytesIO(png))
    assert drawn.mode == "P" and len(png) < 80_000
    colours = {colour for _count, colour in drawn.convert("RGB").getcolors(256) or []}
    assert set(FLAT_COLOURS) <= colours


def test_outlines_are_filled_by_each_districts_highest_severity() -> None:
    image = _image({"quetta": Severity.EXTREME, "kech": Severity.MINOR})
    assert _share_inside(image, "quetta", COLOURS[Severity.EXTREME]) > 0.5
    assert _share_inside(image, "kech", COLOURS[Severity.MINOR]) > 0.8
    assert _share_inside(image, "chagai", COLOURS[None]) > 0.8
    assert _share_inside(image, "kech", COLOURS[Severity.EXTREME]) == 0


def test_a_shared_outline_takes_the_highest_of_its_districts() -> None:
    image = _image({"chaman": Severity.SEVERE, "killa-abdullah": Severity.MINOR})
    assert _share_inside(image, "killa-abdullah", COLOURS[Severity.SEVERE]) > 0.5


def test_suspended_routes_are_drawn_over_the_outlines() -> None:
    def route_pixels(suspended: Collection[str]) -> int:
        colours = _image({}, suspended=suspended).getcolors(1_000_000) or []
        return sum(n for n, colour in colours if colour == SUSPENDED_ROUTE)

    legend_only = route_pixels(())
    assert route_pixels({"N-25"}) > legend_only + 2_000


def test_more_alerts_colour_more_pixels() -> None:
    red = COLOURS[Severity.EXTREME]

    def red_pixels(highest: dict[str, Severity]) -> int:
        colours = _image(highest).getcolors(1_000_000) or []
        return sum(n for n, colour in colours if colour == red)

    none = red_pixels({})
    every = red_pixels({d.slug: Severity.EXTREME for d in G.districts})
    assert every > none * 10


def test_urdu_labels_use_the_naskh_font() -> None:
    assert can_shape()  # Pillow's wheel has raqm; the image installs libfribidi for it
    assert _naskh_has("ک") and _naskh_has("۱") and not _naskh_has("A")
    assert all(_naskh_has(letter) for letter in "ښټډړږګڼېۍځڅ")  # Pashto's own letters too
    title = runs("Balochistan: فعال الرٹس", rtl=True)
    assert [(r.text, r.arabic) for r in title] == [("Balochistan", False), (": فعال الرٹس", True)]
    english, urdu = _image({}, language="en"), _image({}, language="ur")
    assert english.size == urdu.size and english.tobytes() != urdu.tobytes()


def test_a_region_without_outlines_draws_headquarters_points() -> None:
    divisions = tuple(G.division(name) for name in G.divisions)
    bare = Gazetteer(G.region, divisions, G.districts, G.towns, G.routes)
    image = _image({"quetta": Severity.EXTREME}, gazetteer=bare)
    frame = projection(bare)
    quetta = G.district("quetta")
    x, y = frame(quetta.lat, quetta.lon)
    assert image.getpixel((round(x), round(y))) == COLOURS[Severity.EXTREME]
