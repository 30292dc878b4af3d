"""Scheduled callbacks that finish what they started, even when the scheduler shuts down.

APScheduler's asyncio executor cancels running jobs when the JobQueue stops. A tick cancelled
inside a database transaction can leave its connection behind (on SQLite, holding the write
lock), so every tick runs as its own task shielded from that cancellation, and the application
awaits the ones still running before it closes the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

Tick = Callable[[Any], Coroutine[Any, Any, None]]


class JobGuard:
    """Shields job callbacks from cancellation and lets shutdown wait for them."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[None]] = set()

    def wrap(self, callback: Tick) -> Tick:
        """The callback, run to completion in a task of its own."""

        async def shielded(context: Any) -> None:
            task = asyncio.ensure_future(callback(context))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
            await asyncio.shield(task)

        shielded.__name__ = getattr(callback, "__name__", "tick")
        shielded.__qualname__ = getattr(callback, "__qualname__", "tick")
        return shielded

    async def drain(self) -> None:
        """Wait for every tick still running (after the JobQueue stopped)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)
