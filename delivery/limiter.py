"""One send budget for the whole bot: a priority-aware python-telegram-bot rate limiter.

Every request that targets a chat waits for a slot of the bot's cap; waiting requests are
served in priority order, so a resident's reply overtakes the fan-out queued before it. Slots
come from a budget (delivery.budget): this process's own clock on SQLite, or on PostgreSQL one
row every process of the bot books from, so the bot's total stays within the cap whatever the
number of workers. With paid broadcast, allow_paid_broadcast sends book from a budget of their
own, everything else stays under Telegram's free rate. Bulk sends keep a per-chat distance.

A 429 for a chat that just had a message may be that chat's own flood limit (an operator's
chat during a burst, a group's 20 a minute): it holds only that chat. Any other 429 pauses
every send of every process for Telegram's retry_after, so a storm is never made worse.
Replies are retried after the wait; bulk sends are handed back to the delivery engine, which
reschedules them.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from delivery.budget import Budget, LocalBudget, Slots
from domain.delivery.pacing import RESERVATION_HORIZON, ChatSpacing
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


class Lane:
    """One budget's booked slots and the requests waiting for them, served by priority (the
    bot's Telegram sends, its paid broadcast sends, and the SMS link's submit_sm each have one)."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.paused_until = 0.0
        self._slots: deque[float] = deque()
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self._booking: asyncio.Task[None] | None = None

    async def acquire(self, priority: Priority) -> None:
        """Wait for a slot; the most urgent waiter gets the next one."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        self._pump()
        await future

    def pause(self, until: float) -> None:
        """No send before `until` (this process's clock)."""
        self.paused_until = max(self.paused_until, until)
        self._slots.clear()  # booked before the 429: they would only meet Telegram's penalty
        self._pump()

    def close(self) -> None:
        """Release anyone still waiting; their requests fail as cancelled."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._booking is not None:
            self._booking.cancel()
            self._booking = None
        for waiter in self._waiters:
            waiter[2].cancel()
        self._waiters.clear()

    def _pump(self) -> None:
        loop = asyncio.get_running_loop()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        now = loop.time()
        lateness = self.budget.clock.lateness
        while True:
            # A slot used late could put cap + 1 sends into one second: give it up instead.
            while self._slots and (
                self._slots[0] < now - lateness or self._slots[0] < self.paused_until
            ):
                self._slots.popleft()
            while self._waiters and self._waiters[0][2].done():
                heapq.heappop(self._waiters)  # its sender was cancelled while waiting
            self._book_more(now)
            if not (self._waiters and self._slots and self._slots[0] <= now):
                break
            if now < self.paused_until:
                break
            heapq.heappop(self._waiters)[2].set_result(None)
            self._slots.popleft()
        self._arm(now)

    def _book_more(self, now: float) -> None:
        """Keep enough slots booked for who is waiting (a full batch while bulk sends wait)."""
        if self._booking is not None or now < self.paused_until - RESERVATION_HORIZON:
            return
        live = [w for w in self._waiters if not w[2].done()]
        if not live:
            return
        batch = self.budget.batch
        bulk = any(priority is not Priority.INTERACTIVE for priority, _, _ in live)
        target = batch if bulk else min(len(live), batch)
        # Book the next batch while half of this one is left, so a round trip costs no slot.
        if len(self._slots) > (target // 2 if bulk else target - 1):
            return
        count = target - len(self._slots)
        if self.budget.shared:
            self._booking = asyncio.ensure_future(self._book(count))
        else:
            self._add(self.budget.book_now(now, count))

    async def _book(self, count: int) -> None:
        slots = await self.budget.book(count)
        self._booking = None
        self._add(slots)
        self._pump()

    def _add(self, slots: Slots) -> None:
        self.paused_until = max(self.paused_until, slots.paused_until)
        times = slots.times()
        if self._slots and times and times[0] < self._slots[-1]:
            times = sorted([*self._slots, *times])
            self._slots.clear()
        self._slots.extend(times)

    def _arm(self, now: float) -> None:
        if not self._waiters:
            return
        if self._slots:
            at = max(self._slots[0], self.paused_until)
        elif self._booking is None:
            at = self.paused_until - RESERVATION_HORIZON  # when booking again makes sense
        else:
            return  # the booking under way pumps when it arrives
        self._timer = asyncio.get_running_loop().call_later(max(0.0, at - now), self._pump)


class PriorityRateLimiter(BaseRateLimiter[None]):
    """The bot's cap, priorities, per-chat spacing for bulk sends, and 429 pauses."""

    def __init__(
        self,
        rate: float,
        *,
        policy: DeliveryPolicy,
        budget: Budget | None = None,
        paid: Budget | None = None,
        on_throttled: Callable[[], None] | None = None,
    ) -> None:
        self._rate = rate
        self._lane = Lane(budget or LocalBudget(rate))
        # allow_paid_broadcast sends (PAID_BROADCAST=true) book from a budget of their own.
        self._paid = Lane(paid) if paid is not None else None
        self._chats = ChatSpacing(
            private=policy.private_chat_interval.total_seconds(),
            group=policy.group_chat_interval.total_seconds(),
        )
        self._policy = policy
        self.on_throttled = on_throttled
        self.throttled = 0

    @property
    def rate(self) -> float:
        """The configured fan-out cap (0: none)."""
        return self._rate

    def _lanes(self) -> list[Lane]:
        return [self._lane] if self._paid is None else [self._lane, self._paid]

    def paused_for(self) -> float:
        """Seconds left of a 429 pause (0 when sending freely)."""
        now = asyncio.get_running_loop().time()
        return max(0.0, *(lane.paused_until - now for lane in self._lanes()))

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Release anyone still waiting; their requests fail as cancelled."""
        for lane in self._lanes():
            lane.close()

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
        paid = self._paid is not None and bool(data.get("allow_paid_broadcast"))
        lane = self._paid if paid and self._paid is not None else self._lane
        loop = asyncio.get_running_loop()
        for attempt in range(3):
            await self._acquire(lane, priority, chat)
            busy_chat = chat is not None and self._chats.sent(chat, loop.time())
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc) + self._policy.retry_after_margin.total_seconds()
                self._count_throttled()
                if busy_chat and chat is not None:
                    self._hold_chat(chat, seconds)
                else:
                    await self._pause(seconds)
                if priority is not Priority.INTERACTIVE or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _acquire(self, lane: Lane, priority: Priority, chat: int | None) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        if chat is not None:
            held = self._chats.held_until(chat)
            if held > now:
                await asyncio.sleep(held - now)
                now = loop.time()
            if priority is Priority.INTERACTIVE:
                self._chats.note(chat, now)
            else:
                start = self._chats.reserve(chat, now)
                if start > now:
                    await asyncio.sleep(start - now)
        await lane.acquire(priority)

    def _count_throttled(self) -> None:
        self.throttled += 1
        if self.on_throttled is not None:
            self.on_throttled()

    def _hold_chat(self, chat: int, seconds: float) -> None:
        log.info("Telegram asked to slow down in one chat: holding it for %.1f s", seconds)
        self._chats.hold(chat, asyncio.get_running_loop().time() + seconds)

    async def _pause(self, seconds: float) -> None:
        # Telegram's retry_after is whole seconds; the margin avoids landing on its edge.
        until = asyncio.get_running_loop().time() + seconds
        if until > max(lane.paused_until for lane in self._lanes()):
            log.warning("Telegram asked to slow down: pausing all sends for %.1f s", seconds)
        for lane in self._lanes():
            lane.pause(until)
        for lane in self._lanes():
            await lane.budget.pause(seconds)  # shared: every process of the bot pauses
