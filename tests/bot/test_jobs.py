"""Ticks finish what they started even when the scheduler cancels them at shutdown."""

import asyncio

import pytest

from core.jobs import JobGuard


async def test_a_cancelled_tick_still_finishes_and_drain_waits_for_it() -> None:
    guard = JobGuard()
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def tick(_context: object) -> None:
        started.set()
        await release.wait()  # e.g. a transaction in progress
        finished.append("committed")

    outer = asyncio.ensure_future(guard.wrap(tick)(None))
    await started.wait()
    outer.cancel()  # what APScheduler's executor does on shutdown
    with pytest.raises(asyncio.CancelledError):
        await outer
    assert finished == []
    release.set()
    await guard.drain()
    assert finished == ["committed"]
