"""The province as a PNG: each district's headquarters coloured by its highest active severity.

Labels are drawn in English: Pillow's bundled font has no Urdu glyphs, so the caption sent
with the picture carries the reader's language. The gazetteer has no district outlines, so
districts are points at their headquarters, with the main roads and railways for orientation.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from domain.alerts import Severity
from domain.gazetteer import Gazetteer, RouteKind

WIDTH = 1080  # Telegram shows photos at most about this wide; a phone scales it down evenly
MARGIN = 60
HEADER = 130
FOOTER = 190
DOT = 17
LABEL_SIZE = 28
QUIET_LABEL_SIZE = 22
COLOURS: Mapping[Severity | None, tuple[int, int, int]] = {
    Severity.EXTREME: (215, 25, 28),
    Severity.SEVERE: (253, 141, 60),
    Severity.MODERATE: (254, 204, 92),
    Severity.MINOR: (44, 123, 182),
    None: (189, 189, 189),
}
LEGEND: Mapping[Severity | None, str] = {
    Severity.EXTREME: "Extreme",
    Severity.SEVERE: "Severe",
    Severity.MODERATE: "Moderate",
    Severity.MINOR: "Minor",
    None: "No active alert",
}
BACKGROUND = (248, 246, 240)
INK = (33, 33, 33)
QUIET_INK = (95, 95, 95)
ROAD = (160, 160, 160)
RAIL = (120, 100, 140)


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
    gazetteer: Gazetteer, highest: Mapping[str, Severity], *, title: str, subtitle: str
) -> bytes:
    """A PNG of the region's districts coloured by `highest` (districts absent: no alert)."""
    frame = _frame(gazetteer)
    size = (WIDTH, HEADER + frame.height + FOOTER)
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    big, label, small = (ImageFont.load_default(size=s) for s in (44, LABEL_SIZE, 24))
    quiet_label = ImageFont.load_default(size=QUIET_LABEL_SIZE)
    draw.text((MARGIN, 28), title, font=big, fill=INK)
    draw.text((MARGIN, 84), subtitle, font=small, fill=(90, 90, 90))
    for route in gazetteer.routes:
        points = [frame(d.lat, d.lon) for slug in route.districts if (d := gazetteer.get(slug))]
        if len(points) > 1:
            rail = route.kind is RouteKind.RAIL
            draw.line(points, fill=RAIL if rail else ROAD, width=3 if rail else 5, joint="curve")
    taken: list[tuple[float, float, float, float]] = []
    # Quiet districts first, so coloured dots and their labels are drawn on top.
    ordered = sorted(gazetteer.districts, key=lambda d: int(highest.get(d.slug, 0)))
    for district in ordered:
        x, y = frame(district.lat, district.lon)
        severity = highest.get(district.slug)
        radius = DOT + (5 if severity else 0)
        box = (x - radius, y - radius, x + radius, y + radius)
        draw.ellipse(box, fill=COLOURS[severity], outline=INK, width=3)
        taken.append(box)
    # Labels of districts with alerts go first and always; a quiet district's label only
    # where it is clear of the others, since a crowded label is worse than none.
    for district in reversed(ordered):
        x, y = frame(district.lat, district.lon)
        if district.slug in highest:
            _label(draw, label, district.name, x, y, taken, ink=INK, required=True)
        else:
            _label(draw, quiet_label, district.name, x, y, taken, ink=QUIET_INK, required=False)
    _legend(draw, small, highest, top=HEADER + frame.height + 40)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _frame(gazetteer: Gazetteer) -> _Frame:
    lats = [d.lat for d in gazetteer.districts]
    lons = [d.lon for d in gazetteer.districts]
    # A little room round the outermost districts for their dots and labels.
    min_lat, max_lat = min(lats) - 0.3, max(lats) + 0.3
    min_lon, max_lon = min(lons) - 0.3, max(lons) + 0.9
    stretch = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = (WIDTH - 2 * MARGIN) / ((max_lon - min_lon) * stretch)
    return _Frame(min_lat, min_lon, scale, stretch, round((max_lat - min_lat) * scale))


def _label(
    draw: ImageDraw.ImageDraw,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    text: str,
    x: float,
    y: float,
    taken: list[tuple[float, float, float, float]],
    *,
    ink: tuple[int, int, int],
    required: bool,
) -> None:
    """Place a label beside its dot where it overlaps least of what is already placed."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font, stroke_width=3)
    w, h = right - left, bottom - top
    gap = DOT + 8
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

    def clash(spot: tuple[float, float]) -> float:
        box = (spot[0], spot[1], spot[0] + w, spot[1] + h)
        outside = 1e9 if box[0] < 4 or box[2] > WIDTH - 4 else 0.0
        return outside + sum(_overlap(box, other) for other in taken)

    sx, sy = min(spots, key=clash)  # the first of equally clear spots: beside, on the right
    if not required and clash((sx, sy)) > 0:
        return
    taken.append((sx, sy, sx + w, sy + h))
    draw.text(
        (sx - left, sy - top), text, font=font, fill=ink, stroke_width=3, stroke_fill=BACKGROUND
    )


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _legend(
    draw: ImageDraw.ImageDraw,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    highest: Mapping[str, Severity],
    *,
    top: float,
) -> None:
    """Two rows of coloured dots with the number of districts at each level."""
    counts: dict[Severity | None, int] = {}
    for level in highest.values():
        counts[level] = counts.get(level, 0) + 1
    column = (WIDTH - 2 * MARGIN) / 3
    for index, (severity, name) in enumerate(LEGEND.items()):
        x = MARGIN + (index % 3) * column
        y = top + (index // 3) * 60
        draw.ellipse((x, y, x + 36, y + 36), fill=COLOURS[severity], outline=INK, width=3)
        text = name if severity is None else f"{name} ({counts.get(severity, 0)})"
        draw.text((x + 48, y + 4), text, font=font, fill=INK)
