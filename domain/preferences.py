"""What a resident wants to receive: alert kinds, minimum severity and quiet hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from domain.alerts import AlertKind, Severity

ALL_KINDS_MASK = sum(kind.bit for kind in AlertKind)


def kinds_from_mask(mask: int) -> list[AlertKind]:
    """The kinds whose bits are set in a mask, in catalogue order."""
    return [kind for kind in AlertKind if mask & kind.bit]


@dataclass(frozen=True)
class QuietHours:
    """A nightly window, in local minutes of the day, during which routine alerts wait."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not (0 <= self.start < 1440 and 0 <= self.end < 1440) or self.start == self.end:
            raise ValueError("quiet hours need two different times of day")

    def contains(self, moment: time) -> bool:
        """Whether a local time of day falls inside the window (which may wrap midnight)."""
        minute = moment.hour * 60 + moment.minute
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end

    def label(self) -> str:
        """The window as 22:00–06:00."""
        return (
            f"{self.start // 60:02d}:{self.start % 60:02d}–{self.end // 60:02d}:{self.end % 60:02d}"
        )

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """Parse '22-6', '22:30-06:00' or '22 6' (ASCII digits); raises ValueError otherwise."""
        cleaned = text.strip().replace("–", "-").replace("—", "-").replace(" to ", "-")
        parts = [p for p in cleaned.replace(" ", "-").split("-") if p]
        if len(parts) != 2:
            raise ValueError("expected two times")
        return cls(_parse_minute(parts[0]), _parse_minute(parts[1]))


def parse_minute(part: str) -> int:
    """Minutes since midnight of '22', '22:30' or '24' (ASCII digits); ValueError otherwise."""
    return _parse_minute(part)


def _parse_minute(part: str) -> int:
    hours, _, minutes = part.partition(":")
    if not hours.isdigit() or (minutes and not minutes.isdigit()):
        raise ValueError(f"not a time: {part!r}")
    h, m = int(hours), int(minutes or 0)
    if h == 24 and m == 0:
        h = 0
    if not (0 <= h < 24 and 0 <= m < 60):
        raise ValueError(f"not a time: {part!r}")
    return h * 60 + m


@dataclass(frozen=True)
class Preferences:
    """A resident's filters, as the domain sees them."""

    kinds_mask: int = ALL_KINDS_MASK
    min_severity: Severity = Severity.MINOR
    quiet: QuietHours | None = None
