"""Resident preferences: kinds mask, severity order, quiet hours."""

from datetime import time

import pytest

from domain.alerts import AlertKind, Severity
from domain.preferences import ALL_KINDS_MASK, QuietHours, kinds_from_mask


def test_every_kind_has_its_own_bit() -> None:
    bits = [kind.bit for kind in AlertKind]
    assert len(set(bits)) == len(bits)
    assert kinds_from_mask(ALL_KINDS_MASK) == list(AlertKind)
    assert kinds_from_mask(AlertKind.TRANSPORT.bit) == [AlertKind.TRANSPORT]


def test_severity_orders_like_cap() -> None:
    assert Severity.MINOR < Severity.MODERATE < Severity.SEVERE < Severity.EXTREME
    assert Severity.from_code("severe") is Severity.SEVERE
    with pytest.raises(ValueError):
        Severity.from_code("apocalyptic")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("22-6", 1320, 360), ("22:30-06:00", 1350, 360), ("23 7", 1380, 420), ("0-6", 0, 360)],
)
def test_quiet_hours_parse(text: str, start: int, end: int) -> None:
    assert QuietHours.parse(text) == QuietHours(start, end)


@pytest.mark.parametrize("text", ["", "22", "25-6", "22-22", "a-b", "22:61-6", "1-2-3"])
def test_quiet_hours_refuse_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        QuietHours.parse(text)


def test_quiet_hours_wrap_midnight() -> None:
    night = QuietHours(22 * 60, 6 * 60)
    assert night.contains(time(23, 0))
    assert night.contains(time(5, 59))
    assert not night.contains(time(6, 0))
    assert not night.contains(time(12, 0))
    assert night.label() == "22:00–06:00"
