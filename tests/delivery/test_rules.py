"""Who gets what, in which order, and what a failure leads to: plain values, no Telegram."""

from __future__ import annotations

import bisect
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from delivery.budget import LocalBudget
from domain.alerts import Alert, MsgType, Severity, Status, Urgency
from domain.delivery.attention import is_routine, rings
from domain.delivery.pacing import MAX_LATENESS, ChatSpacing, SlotClock
from domain.delivery.policy import DeliveryPolicy
from domain.delivery.rules import (
    Audience,
    Failure,
    Priority,
    State,
    after_failure,
    audience_of,
    backoff,
    is_urgent,
    local_minute,
    priority_of,
)
from tests.delivery.helpers import content

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
POLICY = DeliveryPolicy()  # production's


def alert(msg_type: MsgType = MsgType.ALERT, **overrides: object) -> Alert:
    return Alert("KB-2026-0001", content(NOW, **overrides), 1, NOW, msg_type=msg_type)


def test_audiences() -> None:
    assert audience_of(alert()) == Audience(True, False, False, False, channels=True)
    assert audience_of(alert(status=Status.EXERCISE)) == Audience(False, True, False, False)
    assert audience_of(alert(MsgType.UPDATE)) == Audience(
        True, False, True, True, channels=True, original_channels=True
    )
    assert audience_of(alert(MsgType.UPDATE, status=Status.TEST)) == Audience(
        False, True, True, True
    )
    assert audience_of(alert(MsgType.CANCEL)) == Audience(
        False, False, True, True, original_channels=True
    )


def test_urgent_alerts_go_first_and_are_never_held() -> None:
    assert priority_of(alert(severity=Severity.EXTREME)) is Priority.URGENT
    assert priority_of(alert(urgency=Urgency.IMMEDIATE)) is Priority.URGENT
    assert priority_of(alert(MsgType.CANCEL)) is Priority.URGENT
    assert priority_of(alert(severity=Severity.SEVERE)) is Priority.SEVERE
    assert priority_of(alert(severity=Severity.MINOR)) is Priority.ROUTINE
    assert not is_urgent(alert(severity=Severity.SEVERE))
    assert Priority.INTERACTIVE < Priority.URGENT < Priority.ROUTINE


def test_local_minute_uses_the_service_time_zone() -> None:
    assert local_minute(NOW, ZoneInfo("Asia/Karachi")) == 13 * 60  # UTC+5


@pytest.mark.parametrize("attempts", range(1, 12))
def test_backoff_is_exponential_with_full_jitter_and_capped(attempts: int) -> None:
    rng = random.Random(attempts)
    delays = [backoff(attempts, rng, POLICY) for _ in range(200)]
    ceiling = min(POLICY.backoff_cap, timedelta(seconds=2 * 2 ** (attempts - 1)))
    assert all(timedelta(0) <= d <= ceiling for d in delays)
    assert max(delays) > ceiling / 2  # spread over the whole range, not bunched


def test_failures_lead_to_the_right_state() -> None:
    rng = random.Random(1)
    gone = after_failure(Failure.GONE, attempts=1, now=NOW, rng=rng, policy=POLICY)
    assert gone.state is State.BLOCKED
    assert (
        after_failure(Failure.REJECTED, attempts=1, now=NOW, rng=rng, policy=POLICY).state
        is State.FAILED
    )
    limited = after_failure(
        Failure.RATE_LIMITED,
        attempts=1,
        now=NOW,
        rng=rng,
        policy=POLICY,
        retry_after=timedelta(seconds=7),
    )
    assert limited.state is State.PENDING and limited.refund_attempt
    assert limited.next_attempt_at == NOW + timedelta(seconds=7)
    moved = after_failure(Failure.MIGRATED, attempts=1, now=NOW, rng=rng, policy=POLICY)
    assert moved.state is State.PENDING and moved.next_attempt_at == NOW
    retry = after_failure(Failure.TRANSIENT, attempts=2, now=NOW, rng=rng, policy=POLICY)
    assert retry.state is State.PENDING and not retry.refund_attempt
    assert retry.next_attempt_at is not None and retry.next_attempt_at <= NOW + timedelta(seconds=4)
    last = after_failure(
        Failure.TRANSIENT, attempts=POLICY.max_attempts, now=NOW, rng=rng, policy=POLICY
    )
    assert last.state is State.FAILED
    # Telegram not reached (an outage): never given up, and the claim is not counted.
    outage = after_failure(
        Failure.UNREACHABLE, attempts=POLICY.max_attempts, now=NOW, rng=rng, policy=POLICY
    )
    assert outage.state is State.PENDING and outage.refund_attempt
    assert outage.next_attempt_at is not None and outage.next_attempt_at >= NOW


def busiest_second(sends: list[float]) -> int:
    """The most sends in any one-second window starting at a send (the times are sorted)."""
    return max(bisect.bisect_left(sends, t + 1) - bisect.bisect_left(sends, t) for t in sends)


@pytest.mark.parametrize("rate", [1, 5, 20, 30, 100, 1000])
def test_slot_clock_never_fits_more_than_the_cap_in_any_second(rate: float) -> None:
    clock = SlotClock(rate)
    sends: list[float] = []
    now = 0.0
    while now < 5:
        now += clock.wait(now) + 0.0003  # the event loop wakes a little late
        clock.take(now)
        sends.append(now)
    worst = busiest_second(sends)
    assert worst <= rate
    achieved = (len(sends) - 1) / (sends[-1] - sends[0])
    assert achieved >= 0.8 * rate if rate > 5 else achieved > 0


@pytest.mark.parametrize("rate", [5, 30, 100, 1000])
def test_booking_a_slot_at_a_time_from_a_late_event_loop_keeps_the_cap(rate: float) -> None:
    # The limiter books one slot whenever its event loop gets round to it (here up to 2 ms
    # late, as at 1,000/s on a busy loop), and gives up a slot more than the lateness old.
    budget = LocalBudget(rate)
    lateness = budget.clock.lateness
    rng = random.Random(rate)
    sends: list[float] = []
    now = 0.0
    while now < 5:
        start = budget.book_now(now, 1).start
        now = max(now, start) + rng.uniform(0, 0.002)
        if now - start > lateness:  # too late: the lane books again and sends on that slot
            now = max(now, budget.book_now(now, 1).start)
        sends.append(now)
    worst = busiest_second(sends)
    assert worst <= rate
    achieved = (len(sends) - 1) / (sends[-1] - sends[0])
    # A slot may start up to the tolerance in the past: late wake-ups cost less of the cap
    # (at 1,000/s 88 % of the clock's pace here; 81 % when each slot started at `now`).
    assert achieved >= 0.85 * budget.clock.pace()


def test_no_cap_means_no_wait() -> None:
    clock = SlotClock(0)
    clock.take(1.0)
    assert clock.unlimited and clock.wait(1.0) == 0


def test_chat_spacing_keeps_bulk_sends_a_second_apart_and_stays_small() -> None:
    spacing = ChatSpacing(max_chats=100)
    assert spacing.reserve(1, 10.0) == 10.0
    assert spacing.reserve(1, 10.2) == 11.0
    assert spacing.reserve(-100, 10.0) == 10.0
    assert spacing.reserve(-100, 10.0) == 13.0  # groups: 20 a minute
    spacing.note(2, 10.0)  # a reply went to chat 2
    assert spacing.reserve(2, 10.1) == 11.0
    for chat in range(1000, 1300):
        spacing.reserve(chat, 20.0 + chat)
    assert len(spacing) <= 101


def test_routine_alerts_are_silent_and_grave_ones_ring() -> None:
    assert is_routine(alert(severity=Severity.MINOR, urgency=Urgency.EXPECTED))
    assert is_routine(alert(severity=Severity.MODERATE, urgency=Urgency.FUTURE))
    assert not rings(alert(severity=Severity.MODERATE, urgency=Urgency.EXPECTED))
    assert rings(alert(severity=Severity.MODERATE, urgency=Urgency.IMMEDIATE))
    assert rings(alert(severity=Severity.SEVERE, urgency=Urgency.EXPECTED))
    assert rings(alert(severity=Severity.EXTREME, urgency=Urgency.FUTURE))


def test_a_muted_alert_updates_silently_but_cancels_and_extreme_still_ring() -> None:
    update = alert(MsgType.UPDATE, severity=Severity.SEVERE, urgency=Urgency.IMMEDIATE)
    assert rings(update)
    assert not rings(update, muted=True)
    assert rings(alert(MsgType.UPDATE, severity=Severity.EXTREME), muted=True)
    assert rings(alert(MsgType.CANCEL, severity=Severity.MINOR), muted=True)
    # A mute is about the alert's updates; the alert itself (sent before) is not affected.
    assert rings(alert(severity=Severity.SEVERE, urgency=Urgency.IMMEDIATE), muted=True)


def test_slot_clock_books_consecutive_slots_and_holds_through_a_pause() -> None:
    clock = SlotClock(30)
    first = clock.reserve(10.0, 3)
    second = clock.reserve(10.0, 2)  # booked at the same moment: after the first three
    assert first == 10.0 and second == pytest.approx(10.0 + 3 * clock.interval)
    clock.hold(20.0)
    assert clock.reserve(11.0, 1) == 20.0
    assert clock.batch == 6 and SlotClock(1000).batch == 200 and SlotClock(0).batch == 64
    # A late slot is used up to the tolerance at 30/s, and never more than MAX_LATENESS late.
    assert SlotClock(30).lateness == SlotClock(30).tolerance
    assert SlotClock(1000).tolerance < SlotClock(1000).lateness == MAX_LATENESS


def test_chat_spacing_tells_a_chat_flood_from_the_bots() -> None:
    spacing = ChatSpacing()
    assert not spacing.sent(5, 10.0)  # the chat's first message: a 429 now is the bot's
    assert spacing.sent(5, 10.4)  # a second within its gap: a 429 may be the chat's own
    assert not spacing.sent(5, 12.0)
    spacing.hold(5, 15.0)
    assert spacing.held_until(5) == 15.0 and spacing.held_until(6) == 0.0
    assert spacing.reserve(5, 12.0) == 15.0  # bulk sends wait for the hold too
