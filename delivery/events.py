"""Waiting for the first of several events, or a timeout: the senders' one way to sleep."""

from __future__ import annotations

import asyncio


async def first_of(*events: asyncio.Event, timeout: float) -> None:  # noqa: ASYNC109
    """Return once any of `events` is set, or after `timeout` seconds."""
    waits = {asyncio.ensure_future(event.wait()) for event in events}
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()
