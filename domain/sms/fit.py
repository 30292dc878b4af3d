"""Fit an SMS into at most two segments: shorten the least important piece first, at a word."""

from __future__ import annotations

from collections.abc import Sequence

from domain.sms.encoding import Coding, coding_of, units

MAX_SEGMENTS = 2


def budget(coding: Coding, segments: int = MAX_SEGMENTS) -> int:
    """Units that fit in this many segments (306 GSM-7 septets or 134 UCS-2 characters for 2)."""
    return coding.single if segments == 1 else coding.part * segments


def _ellipsis(coding: Coding) -> str:
    return "…" if coding is Coding.UCS2 else "..."  # "…" is not in the GSM alphabet


def _shorten(text: str, room: int, coding: Coding) -> str:
    """The longest prefix ending at a word boundary that fits `room` with an ellipsis; "" if
    not even one word fits."""
    if units(text, coding) <= room:
        return text
    mark = _ellipsis(coding)
    room -= units(mark, coding)
    cut = ""
    for i, c in enumerate(text):
        if c.isspace():
            candidate = text[:i].rstrip(" ,.;:،۔-")
            if units(candidate, coding) > room:
                break
            cut = candidate
    return cut + mark if cut else ""


def fit(
    head: str,
    pieces: Sequence[str],
    tail: str,
    *,
    separator: str = " ",
    segments: int = MAX_SEGMENTS,
) -> str:
    """Join head, pieces and tail; while too long, shorten the last piece still there (at a
    word, with an ellipsis), dropping it when nothing of it fits. Head and tail are kept whole.
    """
    whole = [head, *pieces, tail]
    coding = coding_of("".join(whole))
    limit = budget(coding, segments)
    kept = [p for p in pieces if p]

    def joined(items: Sequence[str]) -> str:
        return separator.join(x for x in (head, *items, tail) if x)

    index = len(kept) - 1
    while index >= 0 and units(joined(kept), coding) > limit:
        others = kept[:index] + kept[index + 1 :]
        room = limit - units(joined(others), coding) - units(separator, coding)
        short = _shorten(kept[index], room, coding) if room > 0 else ""
        if short:
            kept[index] = short
        else:
            del kept[index]
        index -= 1
    text = joined(kept)
    if units(text, coding) > limit:  # head and tail alone are too long: cut at a word
        text = _shorten(text, limit, coding) or text[:limit]
    return text
