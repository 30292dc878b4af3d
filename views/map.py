"""The province as a PNG: district outlines filled by each district's highest active severity.

Suspended routes are drawn over the outlines (through the headquarters of the districts they
cross, which is all the gazetteer knows of their course), with a legend that counts both.
Labels and legend are in the reader's language where the bundled fonts cover it (see
views/map_text.py). A gazetteer without outlines is drawn as headquarters points, as before.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from core.i18n import N_, Translator
from domain.alerts import Severity
from domain.gazetteer import District, Gazetteer, Outline, RouteKind
from views.alerts import local_time
from views.keyboards import SEVERITY_LABELS
from views.map_png import encode_png
from views.map_text import Writer, drawable

WIDTH = 1080  # Telegram shows photos at most about this wide; a phone scales it down evenly
MARGIN = 60
HEADER = 130
FOOTER = 190
DOT = 17
HQ_DOT = 5
LABEL_SIZE = 24
QUIET_LABEL_SIZE = 20
COLOURS: Mapping[Severity | None, tuple[int, int, int]] = {
    Severity.EXTREME: (215, 25, 28),
    Severity.SEVERE: (253, 141, 60),
    Severity.MODERATE: (254, 204, 92),
    Severity.MINOR: (44, 123, 182),
    None: (221, 221, 214),
}
NO_ALERT = N_("No active alert")
SUSPENDED = N_("Suspended route ({count})")
BACKGROUND = (248, 246, 240)
BORDER = (255, 255, 255)
INK = (33, 33, 33)
QUIET_INK = (95, 95, 95)
ROAD = (160, 160, 160)
RAIL = (120, 100, 140)
SUSPENDED_ROUTE = (60, 20, 90)
# Filled and stroked in one colour each: kept exact in the PNG's palette (views/map_png.py).
FLAT_COLOURS = [*COLOURS.values(), BACKGROUND, BORDER, INK, QUIET_INK, ROAD, RAIL, SUSPENDED_ROUTE]
_DRAWING = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Frame:
    """Longitude/latitude to pixels, equirectangular at the region's middle latitude."""

    min_lat: float
    min_lon: float
    scale: float  # pixels per degree of latitude
    x_stretch: float  # cos(middle latitude)
    height: int

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        x = MARGIN + (lon - self.min_lon) * self.scale * self.x_stretch
        y = HEADER + self.height - (lat - self.min_lat) * self.scale
        return x, y


def render_map(
    gazetteer: Gazetteer,
    highest: Mapping[str, Severity],
    _: Translator,
    *,
    subtitle: str,
    suspended: Collection[str] = (),
) -> bytes:
    """A PNG of the region coloured by `highest` (absent districts: no alert), in `_`'s words.

    `suspended` holds the codes of routes with an active suspension.
    """
    # The fonts are loaded once and shared; FreeType faces are not safe to use from two threads
    # at once, and /map and the API draw in worker threads.
    with _DRAWING:
        return _render(gazetteer, highest, _, subtitle=subtitle, suspended=suspended)


def _render(
    gazetteer: Gazetteer,
    highest: Mapping[str, Severity],
    _: Translator,
    *,
    subtitle: str,
    suspended: Collection[str],
) -> bytes:
    frame = projection(gazetteer)
    size = (WIDTH, HEADER + frame.height + FOOTER)
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    title = _.plain("{region}: active alerts", region=gazetteer.region.name)
    words = _ if drawable(title) else None  # no Arabic-script layout here: English throughout
    writer = Writer(draw, rtl=_.rtl and words is not None)
    # Right-to-left readers get the header and legend from the right edge.
    edge = WIDTH - MARGIN if writer.rtl else None
    heading = title if words else f"{gazetteer.region.name}: active alerts"
    writer.text((MARGIN, 28), heading, 44, fill=INK, right=edge)
    writer.text((MARGIN, 84), subtitle, 24, fill=(90, 90, 90), right=edge)
    for outline in gazetteer.outlines:
        _fill(draw, frame, outline, _outline_level(outline, highest))
    _routes(draw, gazetteer, frame, suspended)
    taken: list[tuple[float, float, float, float]] = []
    # Quiet districts first, so coloured dots and their labels are drawn on top.
    ordered = sorted(gazetteer.districts, key=lambda d: int(highest.get(d.slug, 0)))
    for district in ordered:
        x, y = frame(district.lat, district.lon)
        if gazetteer.outlines:
            radius: float = HQ_DOT
            fill = INK
        else:
            severity = highest.get(district.slug)
            radius = DOT + (5 if severity else 0)
            fill = COLOURS[severity]
        box = (x - radius, y - radius, x + radius, y + radius)
        draw.ellipse(box, fill=fill, outline=INK, width=2)
        taken.append(box)
    # Labels of districts with alerts go first and always; a quiet district's label only
    # where it is clear of the others, since a crowded label is worse than none.
    for district in reversed(ordered):
        x, y = frame(district.lat, district.lon)
        name = _name(district, _.language if words else "en")
        alert = district.slug in highest
        _label(
            writer, name, x, y, taken, alert=alert, gap=(HQ_DOT if gazetteer.outlines else DOT) + 6
        )
    _legend(writer, draw, words, highest, len(set(suspended)), top=HEADER + frame.height + 40)
    return encode_png(image, FLAT_COLOURS)


def _name(district: District, language: str) -> str:
    name = district.display_name(language)
    return name if drawable(name) else district.name


def _outline_level(outline: Outline, highest: Mapping[str, Severity]) -> Severity | None:
    """A shared outline takes the highest level of the districts sharing it."""
    levels = [highest[slug] for slug in outline.slugs if slug in highest]
    return max(levels) if levels else None


def _fill(
    draw: ImageDraw.ImageDraw, frame: _Frame, outline: Outline, level: Severity | None
) -> None:
    for polygon in outline.polygons:
        outer, *holes = polygon
        points = [frame(lat, lon) for lon, lat in outer]
        draw.polygon(points, fill=COLOURS[level], outline=BORDER, width=2)
        for hole in holes:
            draw.polygon([frame(lat, lon) for lon, lat in hole], fill=BACKGROUND, outline=BORDER)


def _routes(
    draw: ImageDraw.ImageDraw, gazetteer: Gazetteer, frame: _Frame, suspended: Collection[str]
) -> None:
    """Every route thin for orientation, then the suspended ones thick on top."""
    lines = []
    for route in gazetteer.routes:
        points = [frame(d.lat, d.lon) for slug in route.districts if (d := gazetteer.get(slug))]
        if len(points) > 1:
            lines.append((route, points))
    for route, points in lines:
        rail = route.kind is RouteKind.RAIL
        draw.line(points, fill=RAIL if rail else ROAD, width=2 if rail else 3, joint="curve")
    for route, points in lines:
        if route.code in suspended:
            draw.line(points, fill=BORDER, width=11, joint="curve")
            draw.line(points, fill=SUSPENDED_ROUTE, width=7, joint="curve")


def projection(gazetteer: Gazetteer) -> _Frame:
    """How longitude and latitude map to pixels for this region."""
    if gazetteer.outlines:
        west = min(o.bbox[0] for o in gazetteer.outlines)
        south = min(o.bbox[1] for o in gazetteer.outlines)
        east = max(o.bbox[2] for o in gazetteer.outlines)
        north = max(o.bbox[3] for o in gazetteer.outlines)
        min_lat, max_lat, min_lon, max_lon = south - 0.1, north + 0.1, west - 0.1, east + 0.1
    else:
        lats = [d.lat for d in gazetteer.districts]
        lons = [d.lon for d in gazetteer.districts]
        # A little room round the outermost districts for their dots and labels.
        min_lat, max_lat = min(lats) - 0.3, max(lats) + 0.3
        min_lon, max_lon = min(lons) - 0.3, max(lons) + 0.9
    stretch = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = (WIDTH - 2 * MARGIN) / ((max_lon - min_lon) * stretch)
    return _Frame(min_lat, min_lon, scale, stretch, round((max_lat - min_lat) * scale))


def _label(
    writer: Writer,
    text: str,
    x: float,
    y: float,
    taken: list[tuple[float, float, float, float]],
    *,
    alert: bool,
    gap: float,
) -> None:
    """Place a label beside its dot where it overlaps least of what is already placed."""
    size = LABEL_SIZE if alert else QUIET_LABEL_SIZE
    w, h, _top = writer.size(text, size)
    spots = [
        (x + gap, y - h / 2),
        (x - gap - w, y - h / 2),
        (x - w / 2, y - gap - h),
        (x - w / 2, y + gap),
        (x + gap, y - h - 4),
        (x + gap, y + 4),
        (x - gap - w, y - h - 4),
        (x - gap - w, y + 4),
    ]
    if writer.rtl:  # a right-to-left reader looks left of the dot first
        spots[0], spots[1] = spots[1], spots[0]

    def clash(spot: tuple[float, float]) -> float:
        box = (spot[0], spot[1], spot[0] + w, spot[1] + h)
        outside = 1e9 if box[0] < 4 or box[2] > WIDTH - 4 else 0.0
        return outside + sum(_overlap(box, other) for other in taken)

    sx, sy = min(spots, key=clash)  # the first of equally clear spots
    if not alert and clash((sx, sy)) > 0:
        return
    taken.append((sx, sy, sx + w, sy + h))
    writer.text((sx, sy), text, size, fill=INK if alert else QUIET_INK, stroke=BACKGROUND)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _legend(
    writer: Writer,
    draw: ImageDraw.ImageDraw,
    words: Translator | None,
    highest: Mapping[str, Severity],
    suspended: int,
    *,
    top: float,
) -> None:
    """Two rows: a swatch per severity with its number of districts, and suspended routes."""
    counts: dict[Severity | None, int] = {}
    for level in highest.values():
        counts[level] = counts.get(level, 0) + 1

    def say(message: str, **values: object) -> str:
        return words.plain(message, **values) if words else message.format(**values)

    entries: list[tuple[Severity | None, str]] = [
        (level, f"{say(SEVERITY_LABELS[level])} ({counts.get(level, 0)})")
        for level in sorted(Severity, reverse=True)
    ]
    entries.append((None, say(NO_ALERT)))
    column = (WIDTH - 2 * MARGIN) / 3
    for index, (severity, text) in enumerate([*entries, (None, "")]):
        x = MARGIN + (index % 3) * column
        if writer.rtl:
            x = WIDTH - MARGIN - (index % 3) * column - 36
        y = top + (index // 3) * 60
        if index == len(entries):
            draw.line((x, y + 18, x + 36, y + 18), fill=SUSPENDED_ROUTE, width=7)
            text = say(SUSPENDED, count=suspended)
        else:
            draw.rectangle((x, y, x + 36, y + 36), fill=COLOURS[severity], outline=INK, width=2)
        writer.text((x + 48, y + 4), text, 24, fill=INK, right=x - 12 if writer.rtl else None)


def render_situation(
    gazetteer: Gazetteer,
    highest: Mapping[str, Severity],
    suspended: Collection[str],
    _: Translator,
    *,
    now: datetime,
    tz: ZoneInfo,
) -> bytes:
    """The map as /map and the HTTP API send it: dated in the reader's words and time zone."""
    subtitle = f"{local_time(_, now, tz, now=now)} ({tz.key})"
    return render_map(gazetteer, highest, _, subtitle=subtitle, suspended=suspended)
