"""The map renders as a real PNG a phone can show, in the severity colours of the legend."""

from __future__ import annotations

import io

from PIL import Image

from domain.alerts import Severity
from tests.staff.publishing import G
from views.map import COLOURS, WIDTH, render_map


def test_map_is_a_phone_sized_png_with_the_legend_colours() -> None:
    highest = {"quetta": Severity.EXTREME, "mastung": Severity.SEVERE, "kech": Severity.MINOR}
    png = render_map(G, highest, title="Balochistan: active alerts", subtitle="test")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 20_000 < len(png) < 1_000_000  # Telegram takes photos up to 10 MB; keep it light
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width == WIDTH and 900 < image.height < 1600
    colours = {colour for _count, colour in image.getcolors(maxcolors=1_000_000) or []}
    # Every legend entry is drawn, so every severity's colour is there even when unused.
    assert all(COLOURS[level] in colours for level in COLOURS)


def test_more_alerts_colour_more_pixels() -> None:
    red = COLOURS[Severity.EXTREME]

    def red_pixels(highest: dict[str, Severity]) -> int:
        image = Image.open(io.BytesIO(render_map(G, highest, title="t", subtitle="s")))
        return sum(
            n for n, colour in image.convert("RGB").getcolors(1_000_000) or [] if colour == red
        )

    none = red_pixels({})
    every = red_pixels({d.slug: Severity.EXTREME for d in G.districts})
    assert every > none * 10
