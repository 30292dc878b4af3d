"""Check-in rules and the all-quiet note's time, as plain values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.alerts import Alert, AlertState, Severity, Status
from domain.checkins import (
    Refusal,
    TapBudget,
    asks_checkin,
    district_of,
    local_day_start,
    parse_note_time,
    quiet_districts,
    refusal,
    shown,
)
from domain.delivery.rules import Priority
from tests.staff.publishing import content

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
KARACHI = ZoneInfo("Asia/Karachi")


def _alert(
    *, state: AlertState = AlertState.VERIFIED, verified_at: datetime = NOW, **overrides: object
) -> Alert:
    return Alert(
        identifier="KB-2026-0001",
        content=content(NOW, **overrides),
        author_id=1,
        created_at=NOW,
        state=state,
        verified_at=verified_at,
    )


@pytest.mark.parametrize(
    ("severity", "status", "asks"),
    [
        (Severity.EXTREME, Status.ACTUAL, True),
        (Severity.SEVERE, Status.ACTUAL, True),
        (Severity.MODERATE, Status.ACTUAL, False),
        (Severity.EXTREME, Status.EXERCISE, False),
        (Severity.EXTREME, Status.TEST, False),
    ],
)
def test_only_severe_or_extreme_real_alerts_ask(
    severity: Severity, status: Status, asks: bool
) -> None:
    assert asks_checkin(_alert(severity=severity, status=status)) is asks


def test_refusals() -> None:
    assert refusal(None, now=NOW, received=True) is Refusal.NOT_ASKED
    assert refusal(_alert(), now=NOW, received=False) is Refusal.NOT_RECIPIENT
    assert refusal(_alert(state=AlertState.CANCELLED), now=NOW, received=True) is Refusal.CLOSED
    late = NOW + timedelta(days=2)
    assert refusal(_alert(), now=late, received=True) is Refusal.CLOSED
    assert refusal(_alert(), now=NOW, received=True) is None


def test_the_district_is_one_the_resident_follows() -> None:
    alert = _alert(districts=("quetta", "pishin"))
    assert district_of(alert, ["pishin"]) == "pishin"
    assert district_of(alert, []) == "quetta"


def test_counts_below_five_are_not_shown() -> None:
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]


@pytest.mark.parametrize(
    ("text", "minute"),
    [("08:00", 480), ("8", 480), ("۸:۳۰", 510), ("٢٠:٠٥", 1205), ("20.30", 1230), ("off", None)],
)
def test_note_times(text: str, minute: int | None) -> None:
    assert parse_note_time(text) == minute


@pytest.mark.parametrize("text", ["", "soon", "25:00", "8:75", "x" * 10_000, "<b>8</b>", "-1"])
def test_garbage_note_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_note_time(text)


def test_quiet_only_without_a_recent_real_alert() -> None:
    recent = [_alert(verified_at=NOW - timedelta(hours=3))]
    assert quiet_districts(["quetta"], recent, since=NOW - timedelta(hours=24)) == []
    assert quiet_districts(["kech"], recent, since=NOW - timedelta(hours=24)) == ["kech"]
    old = [_alert(verified_at=NOW - timedelta(hours=30))]
    assert quiet_districts(["quetta"], old, since=NOW - timedelta(hours=24)) == ["quetta"]
    drill = [_alert(status=Status.EXERCISE)]
    assert quiet_districts(["quetta"], drill, since=NOW - timedelta(hours=24)) == ["quetta"]


def test_local_day_start() -> None:
    start = local_day_start(datetime(2026, 12, 2, 20, 0, tzinfo=UTC), KARACHI)
    assert start.isoformat() == "2026-12-03T00:00:00+05:00"


def test_a_flood_of_taps_is_capped_per_chat() -> None:
    budget = TapBudget(limit=3, window=timedelta(minutes=1))
    assert [budget.allow(1, NOW) for _ in range(4)] == [True, True, True, False]
    assert budget.allow(2, NOW)
    assert budget.allow(1, NOW + timedelta(minutes=2))


def test_the_all_quiet_note_goes_after_everything_else() -> None:
    assert max(Priority) == Priority.HEARTBEAT
