"""DueTimes: an idle sender sleeps until the rows it recorded fall due, not for a whole poll."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

from delivery.due import DueTimes
from tests.conftest import FAST_DELIVERY, MS

# A poll that never comes within a test: only the known moments (or an event) end a sleep.
NO_POLL = dataclasses.replace(FAST_DELIVERY, idle_poll=timedelta(hours=1))


async def test_a_sleep_ends_when_a_known_row_falls_due() -> None:
    wake = asyncio.Event()
    due = DueTimes(wake, NO_POLL)
    due.note([datetime.now(UTC) + 10 * MS])
    async with asyncio.timeout(5):
        await due.sleep(wake)
    assert not wake.is_set()  # the moment ended it, not a wake


async def test_a_moment_noted_during_a_sleep_shortens_it() -> None:
    wake = asyncio.Event()
    due = DueTimes(wake, NO_POLL)
    # Noted by the loop's next callback, once the sleep below has begun (for the whole poll:
    # nothing is known yet).
    asyncio.get_running_loop().call_soon(due.note, [datetime.now(UTC) + 10 * MS])
    async with asyncio.timeout(5):
        await due.sleep(wake)
    assert wake.is_set()  # woken, to sleep again until the moment


async def test_a_moment_already_past_means_claim_again_at_once_and_only_once() -> None:
    due = DueTimes(asyncio.Event(), NO_POLL)
    due.note([datetime.now(UTC) - timedelta(seconds=1), datetime.now(UTC) - 10 * MS])
    loop = asyncio.get_running_loop()
    assert due.seconds_to_sleep(loop.time()) == 0
    # Both were used up by that look: the next sleep is the whole poll.
    assert due.seconds_to_sleep(loop.time()) == NO_POLL.idle_poll.total_seconds()


async def test_moments_close_together_are_claimed_in_one_look() -> None:
    policy = dataclasses.replace(NO_POLL, due_batching=timedelta(seconds=30))
    due = DueTimes(asyncio.Event(), policy)
    due.note([datetime.now(UTC) + 1 * MS])
    # It sleeps the batching, not the millisecond, so later moments join that claim.
    assert due.seconds_to_sleep(asyncio.get_running_loop().time()) == 30


async def test_a_sender_that_never_idles_keeps_only_recent_moments() -> None:
    due = DueTimes(asyncio.Event(), FAST_DELIVERY)
    long_ago = datetime.now(UTC) - 10 * FAST_DELIVERY.idle_poll
    due.note([long_ago - n * MS for n in range(1000)])  # a fan-out's sends, never idle
    due.note([datetime.now(UTC) + timedelta(hours=1)])
    # The old ones are gone: the next sleep waits for the next look, not at once.
    wait = due.seconds_to_sleep(asyncio.get_running_loop().time())
    assert wait == FAST_DELIVERY.idle_poll.total_seconds()
