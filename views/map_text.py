"""Text on the map in the reader's script: Latin in Pillow's font, Arabic script in Noto Naskh.

Noto Naskh Arabic (views/fonts/, SIL Open Font License 1.1, from Debian's fonts-noto-core)
covers the Urdu and Pashto letters and digits but no Latin letters or brackets, so a line is
cut into runs and each run drawn in a font that has its glyphs, right to left for Urdu and
Pashto. Shaping Arabic script needs Pillow's raqm layout (libfribidi at run time); without it,
or for a name neither font covers, the map falls back to the English names.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

NASKH = Path(__file__).resolve().parent / "fonts" / "NotoNaskhArabic-Regular.ttf"
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Box = tuple[float, float, float, float]
MIRRORED = str.maketrans("()[]{}<>", ")(][}{><")


def arabic_script(ch: str) -> bool:
    """Letters of the Arabic script blocks (Urdu, Pashto, Balochi, Brahui, Sindhi)."""
    code = ord(ch)
    return 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF


@functools.cache
def can_shape() -> bool:
    """Whether Pillow can lay out Arabic script (joined letters, right to left)."""
    return bool(features.check("raqm"))


@functools.cache
def _latin(size: int) -> Font:
    return ImageFont.load_default(size=size)


@functools.cache
def _naskh(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(NASKH), size)


@functools.cache
def _naskh_has(ch: str) -> bool:
    """Whether the Naskh font has a glyph for the character (not the empty box)."""
    return ch.isspace() or _glyph(ch) != _glyph("\U000f0000")  # private use: never mapped


@functools.cache
def _glyph(ch: str) -> bytes:
    image = Image.new("L", (64, 64))
    ImageDraw.Draw(image).text((8, 8), ch, font=_naskh(24), fill=255)
    return image.tobytes()


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of a line drawn in one font and direction."""

    text: str
    arabic: bool


def runs(text: str, *, rtl: bool) -> list[Run]:
    """Cut a line where it changes between Arabic-script text and the rest, in logical order.

    In a right-to-left line, digits, spaces and punctuation the Naskh font has join the
    Arabic-script runs, whose layout (raqm) then orders them as the Unicode bidi rules do.
    """
    found: list[Run] = []
    for ch in text:
        arabic = arabic_script(ch) or (rtl and not ch.isalpha() and _naskh_has(ch))
        if found and found[-1].arabic == arabic:
            found[-1] = Run(found[-1].text + ch, arabic)
        else:
            found.append(Run(ch, arabic))
    return found


def _direction(run: Run) -> str | None:
    # Pillow's own Latin font uses the basic layout, which takes no direction at all.
    return "rtl" if run.arabic and can_shape() else None


def drawable(text: str) -> bool:
    """Whether the line can be drawn properly here (Arabic script needs raqm shaping)."""
    return not any(arabic_script(ch) for ch in text) or can_shape()


class Writer:
    """Draws and measures mixed lines; the base direction follows the reader's language."""

    def __init__(self, draw: ImageDraw.ImageDraw, *, rtl: bool) -> None:
        self.draw = draw
        self.rtl = rtl

    def _pieces(self, text: str, size: int) -> list[tuple[Run, Font, float, float, float]]:
        """Each run with its font, its left offset from the line's start, and its bbox top."""
        ordered = runs(text, rtl=self.rtl)
        if self.rtl:
            ordered.reverse()  # a right-to-left line shows its first run at the right
        pieces = []
        x = 0.0
        for run in ordered:
            if self.rtl and not run.arabic and not any(ch.isalnum() for ch in run.text):
                # Brackets and other neutrals between right-to-left words read right to left,
                # mirrored, as the Unicode bidi rules show them.
                run = Run(run.text[::-1].translate(MIRRORED), arabic=False)
            font = _naskh(size) if run.arabic else _latin(size)
            left, top, right, _bottom = self.draw.textbbox(
                (0, 0), run.text, font=font, direction=_direction(run)
            )
            pieces.append((run, font, x - left, float(top), float(right - left)))
            x += right - left
        return pieces

    def size(self, text: str, size: int) -> tuple[float, float, float]:
        """Width, height and the top offset of the drawn line."""
        pieces = self._pieces(text, size)
        width = sum(piece[4] for piece in pieces)
        boxes = [self.draw.textbbox((0, 0), run.text, font=font) for run, font, *_rest in pieces]
        top = min(box[1] for box in boxes) if boxes else 0
        bottom = max(box[3] for box in boxes) if boxes else 0
        return width, float(bottom - top), float(top)

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        size: int,
        *,
        fill: tuple[int, int, int],
        stroke: tuple[int, int, int] | None = None,
        right: float | None = None,
    ) -> Box:
        """Draw the line with its left edge at x (or its right edge at `right`), top at y."""
        x, y = xy
        width, height, top = self.size(text, size)
        if right is not None:
            x = right - width
        for run, font, offset, _top, _width in self._pieces(text, size):
            self.draw.text(
                (x + offset, y - top),
                run.text,
                font=font,
                fill=fill,
                direction=_direction(run),
                stroke_width=3 if stroke else 0,
                stroke_fill=stroke,
            )
        return (x, y, x + width, y + height)
