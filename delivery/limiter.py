"""One send budget for the whole bot: a priority-aware python-telegram-bot rate limiter.

Every request that targets a chat waits for a slot of the global cap; waiting requests are
served in priority order, so a resident's reply overtakes the fan-out queued before it. Bulk
sends also keep a per-chat distance. A 429 pauses every send for Telegram's retry_after, so a
storm is never made worse; replies are retried after the pause, bulk sends are handed back to
the delivery engine, which reschedules them.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from domain.delivery.pacing import ChatSpacing, SlotClock
from domain.delivery.policy import DeliveryPolicy
from domain.delivery.rules import Priority

log = logging.getLogger(__name__)
Result = bool | dict[str, Any] | list[dict[str, Any]]

# Set by the delivery engine around its sends; anything else (handlers, jobs) is a reply.
_priority: ContextVar[Priority] = ContextVar(
    "khabardar_send_priority", default=Priority.INTERACTIVE
)


@contextlib.contextmanager
def sending_as(priority: Priority) -> Iterator[None]:
    """Send the requests made inside the block at this priority."""
    token = _priority.set(priority)
    try:
        yield
    finally:
        _priority.reset(token)


def retry_after_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after is a timedelta with PTB_TIMEDELTA=true, else an int."""
    value: object = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(str(value))


class PriorityRateLimiter(BaseRateLimiter[None]):
    """Global cap, priorities, per-chat spacing for bulk sends, and 429 pauses."""

    def __init__(
        self,
        rate: float,
        *,
        policy: DeliveryPolicy,
        on_throttled: Callable[[], None] | None = None,
    ) -> None:
        self._slots = SlotClock(rate)
        self._chats = ChatSpacing(
            private=policy.private_chat_interval.total_seconds(),
            group=policy.group_chat_interval.total_seconds(),
        )
        self._policy = policy
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._paused_until = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self.on_throttled = on_throttled
        self.throttled = 0

    @property
    def rate(self) -> float:
        """The configured cap (0: none)."""
        return self._slots.rate

    def paused_for(self) -> float:
        """Seconds left of a 429 pause (0 when sending freely)."""
        return max(0.0, self._paused_until - asyncio.get_running_loop().time())

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Release anyone still waiting; their requests fail as cancelled."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for waiter in self._waiters:
            waiter[2].cancel()
        self._waiters.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        """Wait for a slot, send, and handle a 429 (see the module docstring)."""
        chat_id = data.get("chat_id")
        if chat_id is None:
            # getMe, answerCallbackQuery, setMyCommands…: not messages, not in the budget.
            return await callback(*args, **kwargs)
        priority = _priority.get()
        try:
            chat: int | None = int(chat_id)
        except (TypeError, ValueError):
            chat = None  # an @username: no per-chat spacing, the global cap still applies
        for attempt in range(3):
            await self._acquire(priority, chat)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._pause(retry_after_seconds(exc))
                if priority is not Priority.INTERACTIVE or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _acquire(self, priority: Priority, chat: int | None) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        if chat is not None:
            if priority is Priority.INTERACTIVE:
                self._chats.note(chat, now)
            else:
                start = self._chats.reserve(chat, now)
                if start > now:
                    await asyncio.sleep(start - now)
                    now = loop.time()
        if not self._waiters and self._ready(now):
            self._slots.take(now)
            return
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        self._arm()
        await future

    def _ready(self, now: float) -> bool:
        return now >= self._paused_until and self._slots.wait(now) == 0.0

    def _pause(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self.throttled += 1
        if self.on_throttled is not None:
            self.on_throttled()
        # Telegram's retry_after is whole seconds; a little extra avoids landing on its edge.
        until = loop.time() + seconds + self._policy.retry_after_margin.total_seconds()
        if until > self._paused_until:
            log.warning("Telegram asked to slow down: pausing all sends for %.1f s", seconds)
            self._paused_until = until

    def _arm(self) -> None:
        if self._timer is not None or not self._waiters:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        delay = max(self._paused_until - now, self._slots.wait(now), 0.0)
        self._timer = loop.call_later(delay, self._grant)

    def _grant(self) -> None:
        self._timer = None
        now = asyncio.get_running_loop().time()
        while self._waiters and self._ready(now):
            future = heapq.heappop(self._waiters)[2]
            if future.done():  # its sender was cancelled while waiting
                continue
            future.set_result(None)
            self._slots.take(now)
        self._arm()
