"""Where the rate limiter's send slots come from: this process's own clock (SQLite, one
process), or the budget every process of the bot shares in PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from dataclasses import dataclass

from domain.delivery.pacing import FREE_BROADCAST_RATE, SlotClock
from storage import send_budget
from storage.db import Database

log = logging.getLogger(__name__)
# How many recent readings of the database's clock the offset is the best of: enough to find a
# quick answer among slow ones, few enough to follow the clocks drifting apart.
OFFSET_READINGS = 64


@dataclass(frozen=True, slots=True)
class Slots:
    """Booked slots on this process's event-loop clock: `count` of them, `interval` apart from
    `start`; `paused_until` is a pause the budget knew of (0: none)."""

    start: float
    count: int
    interval: float
    paused_until: float = 0.0

    def times(self) -> list[float]:
        """When each slot starts."""
        return [self.start + i * self.interval for i in range(self.count)]


class LocalBudget:
    """The budget of a process that is the bot's only sender (SQLite): booked in memory."""

    shared = False

    def __init__(self, rate: float) -> None:
        self.clock = SlotClock(rate)
        self.batch = 1  # booking costs nothing, so book exactly what is asked for

    def book_now(self, now: float, count: int) -> Slots:
        """Book slots at once.

        Booked one at a time, each slot would start when the event loop got round to asking
        (`max(next, now)`), so every wake-up a fraction of a millisecond late cost that much
        of the cap: at 1,000/s about 3 %. A slot may start up to the clock's tolerance in the
        past instead (its send goes out now, within the lateness the clock already allows),
        and slots stay one interval apart, so no second holds more than the clock permits.
        """
        start = self.clock.reserve(now - self.clock.tolerance, count)
        return Slots(start, count, self.clock.interval)

    async def book(self, count: int) -> Slots:
        """Book slots (at once: nothing to wait for)."""
        return self.book_now(asyncio.get_running_loop().time(), count)

    async def pause(self, seconds: float) -> None:
        """No slot within `seconds`."""
        self.clock.hold(asyncio.get_running_loop().time() + seconds)


class SharedBudget:
    """One budget row in PostgreSQL that every process of the bot books its slots from."""

    shared = True

    def __init__(self, database: Database, name: str, rate: float) -> None:
        self.database = database
        self.name = name
        self.clock = SlotClock(rate)  # the spacing; and the fallback while the database is away
        self.batch = self.clock.batch
        # Per booking: how late and how early the database's clock could be on ours.
        self._latest: deque[float] = deque(maxlen=OFFSET_READINGS)
        self._earliest: deque[float] = deque(maxlen=OFFSET_READINGS)
        self._booked_until = -math.inf  # where this process's last booking ends, on its clock

    def book_now(self, now: float, count: int) -> Slots:
        """Book from this process's own clock: only while the database does not answer (a
        reply should still go out; the fan-out cannot record anything meanwhile anyway)."""
        return Slots(self.clock.reserve(now, count), count, self.clock.interval)

    async def book(self, count: int) -> Slots:
        """Book `count` slots in the shared row, in this process's clock."""
        loop = asyncio.get_running_loop()
        asked = loop.time()
        try:
            async with self.database.transaction() as session:
                booking = await send_budget.reserve_slots(
                    session, name=self.name, count=count, interval=self.clock.interval
                )
        except Exception as exc:  # the database is down or restarting: keep replies flowing
            log.warning("shared send budget unavailable, pacing locally: %s", type(exc).__name__)
            return self.book_now(loop.time(), count)
        answered = loop.time()
        # The database read its clock while the booking was under way, so the offset between
        # the two clocks lies between `asked - booking.now` and `answered - booking.now`, and
        # every booking narrows that range. The lowest latest bound is the offset used (this
        # booking's own reading would squeeze it into the next); when a quicker reading lowers
        # it, _after_own keeps the new booking out of the previous one.
        self._latest.append(answered - booking.now)
        self._earliest.append(asked - booking.now)
        offset = min(self._latest)
        paused = booking.paused_until + offset if booking.paused_until > booking.now else 0.0
        usable = self._usable(count, offset - max(self._earliest))
        start, usable = self._after_own(booking.start + offset, usable)
        return Slots(start, usable, self.clock.interval, paused)

    def _after_own(self, start: float, usable: int) -> tuple[float, int]:
        """A booking's first usable slot, never inside this process's previous booking.

        In the database the two never overlap, but a quicker reading since then lowers the
        offset, which moves the new booking earlier on this clock by as much: its first sends
        would crowd the last ones of the previous booking (at 30/s the clock has no slack for
        that: Telegram's one-second window would count 31). The overlapping slots are left
        unused, so the booking still ends where the database put it."""
        interval = self.clock.interval
        if interval and start < self._booked_until:
            overlap = math.ceil((self._booked_until - start) / interval - 1e-9)
            skipped = min(overlap, usable)
            start += skipped * interval
            usable -= skipped
        if usable:
            self._booked_until = max(self._booked_until, start + usable * interval)
        return start, usable

    def _usable(self, count: int, error: float) -> int:
        """How many of a booking's slots to use. The offset may err late by up to `error`,
        so this process may see its slots that late, and its last ones then crowd the first
        ones of the next process's booking: at 1,000/s, five bookings a second each crowded
        by a few milliseconds outgrew the clock's 3 % margin, and two workers met the fake's
        429s. Whole slots within the error are left unused. The error is the narrowest range
        the recent bookings allow, not this booking's round trip: that one is long whenever
        the event loop is busy sending, and guarding by it cost 2-5 % of paid broadcast.
        Never more than half a booking, so a slow database costs rate, not every slot."""
        if self.clock.unlimited:
            return count
        guard = math.floor(max(error, 0.0) / self.clock.interval)
        return max(count - guard, count // 2, 1)

    async def pause(self, seconds: float) -> None:
        """Pause every process booking from this budget."""
        self.clock.hold(asyncio.get_running_loop().time() + seconds)
        try:
            async with self.database.transaction() as session:
                await send_budget.pause(session, names=[self.name], seconds=seconds)
        except Exception as exc:
            log.warning("could not share a 429 pause: %s", type(exc).__name__)


Budget = LocalBudget | SharedBudget

# Budget names: each transport that has a rate of its own books from a row of its own.
TELEGRAM = "telegram"
TELEGRAM_PAID = "telegram-paid"
SMS = "sms"


def telegram_budgets(
    *, rate: float, paid_broadcast: bool, database: Database
) -> tuple[Budget, Budget | None]:
    """The bot's budget, and with paid broadcast the allow_paid_broadcast sends' own.

    With paid broadcast, DELIVERY_RATE (up to 1,000/s) is the paid sends' cap; every other
    request (replies, edits, progress) stays under Telegram's free broadcast rate.
    """

    def budget(name: str, cap: float) -> Budget:
        return LocalBudget(cap) if database.is_sqlite else SharedBudget(database, name, cap)

    if not paid_broadcast:
        return budget(TELEGRAM, rate), None
    free = min(rate, FREE_BROADCAST_RATE) if rate > 0 else 0.0
    return budget(TELEGRAM, free), budget(TELEGRAM_PAID, rate)


def sms_budget(*, rate: float, database: Database) -> Budget:
    """The SMS account's submit_sm budget (SMS_RATE): every process that binds to the SMSC
    books from it, so together they stay within the account's throughput."""
    return LocalBudget(rate) if database.is_sqlite else SharedBudget(database, SMS, rate)
