"""Waiting for a condition another task or process makes true (a row written, a counter
moved): every test that cannot await an event uses this one loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> None:
    """Wait until an asynchronous check (a database read) holds, re-reading every 20 ms."""
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110 - the condition lives in the database
            await asyncio.sleep(0.02)  # polling interval of a condition, not a fixed wait
