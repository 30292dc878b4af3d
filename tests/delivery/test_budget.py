"""The send budget every process of the bot shares: pauses, per-chat holds, claims, paid sends.

Two limiters on one database stand for two processes of the bot (the two-worker run with real
processes is in test_crashes.py). Assertions are on what the fake Bot API counted and on the
order things happened in, never on timings.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.app import build_application, build_services
from bot.runtime import running
from core.settings import Settings
from delivery.budget import TELEGRAM, SharedBudget, telegram_budgets
from delivery.limiter import PriorityRateLimiter, sending_as
from delivery.wiring import wake_dispatch
from domain.delivery.policy import DeliveryPolicy
from domain.delivery.rules import Priority
from faketg import DEFAULT_TOKEN, FakeTelegram
from storage import delivery_queue, send_budget
from storage.db import Database
from storage.delivery_models import delivery
from tests.conftest import FAST_DELIVERY
from tests.delivery.helpers import add_residents, correct, publish, shared_only
from tests.delivery.test_planning import plan

POLICY = DeliveryPolicy()  # production's: Telegram's retry_after is honoured in full
GAPS = (timedelta(seconds=1), timedelta(seconds=3))


@pytest.fixture
async def processes(
    database: Database, database_url: str
) -> AsyncIterator[Callable[[float], PriorityRateLimiter]]:
    """Make limiters that book from the bot's budget as separate processes would (each its
    own connection pool to the test database)."""
    pools: list[Database] = []

    def make(rate: float) -> PriorityRateLimiter:
        pool = Database(database_url)
        pools.append(pool)
        budget, _ = telegram_budgets(rate=rate, paid_broadcast=False, database=pool)
        return PriorityRateLimiter(rate, policy=POLICY, budget=budget)

    yield make
    for pool in pools:
        await pool.dispose()


async def started(fake: FakeTelegram, limiter: PriorityRateLimiter) -> ExtBot[None]:
    bot: ExtBot[None] = ExtBot(DEFAULT_TOKEN, base_url=fake.base_url, rate_limiter=limiter)
    await bot.initialize()
    return bot


async def test_one_429_pauses_every_process_of_the_bot(
    fake: FakeTelegram,
    database: Database,
    processes: Callable[[float], PriorityRateLimiter],
) -> None:
    shared_only(database)
    worker, other = processes(0), processes(0)
    fake.faults.rate_limit = 1  # one send a second; the next one earns a penalty for all
    fake.faults.retry_after = 1
    first, second = await started(fake, worker), await started(fake, other)
    try:
        await first.send_message(1, "fits the cap")
        with sending_as(Priority.ROUTINE), pytest.raises(RetryAfter):
            await first.send_message(2, "over the cap")  # bulk: handed back to the engine
        # The other process sends only once the pause is over: Telegram sees no second 429.
        await second.send_message(3, "after the pause")
    finally:
        await first.shutdown()
        await second.shutdown()
    assert fake.stats.too_many_requests == 1
    assert [m.plain for m in fake.messages(3)] == ["after the pause"]


async def test_a_per_chat_429_holds_that_chat_only(fake: FakeTelegram) -> None:
    throttled = asyncio.Event()
    limiter = PriorityRateLimiter(0, policy=POLICY, on_throttled=throttled.set)
    fake.faults.second = 0.1  # Telegram's flood control, ten times as fast
    fake.faults.per_chat_rate = 1  # an operator's chat during a burst of replies
    bot = await started(fake, limiter)
    done: list[str] = []

    async def reply(chat: int, label: str) -> None:
        await bot.send_message(chat, label)
        done.append(label)

    try:
        await reply(7, "first")
        burst = asyncio.create_task(reply(7, "second"))
        # Once the limiter has taken the 429 in (held the chat, or before: paused everyone)…
        await asyncio.wait_for(throttled.wait(), 5)
        with sending_as(Priority.ROUTINE):
            await reply(8, "another chat")  # not held up by the first chat's flood limit
        await burst
    finally:
        await bot.shutdown()
    assert done == ["first", "another chat", "second"]
    assert limiter.paused_for() == 0
    assert fake.stats.too_many_requests == 1


async def test_bookings_of_two_processes_never_overlap(
    database: Database, database_url: str
) -> None:
    shared_only(database)
    other_pool = Database(database_url)
    try:
        one = SharedBudget(database, TELEGRAM, 30)
        two = SharedBudget(other_pool, TELEGRAM, 30)
        interval = one.clock.interval
        starts: list[float] = []
        for budget in (one, two, one, two):
            async with budget.database.transaction() as session:
                booking = await send_budget.reserve_slots(
                    session, name=TELEGRAM, count=3, interval=interval
                )
            starts.append(booking.start)
    finally:
        await other_pool.dispose()
    slots = sorted(s + i * interval for s in starts for i in range(3))
    assert all(b - a >= interval * 0.999 for a, b in itertools.pairwise(slots))


async def test_two_processes_paid_bookings_never_interleave_on_the_loop_clock(
    database: Database, database_url: str
) -> None:
    """Each process sees its booking on its own clock, through an offset it can only bound;
    the slots it keeps must still end before the other process's next booking starts."""
    shared_only(database)
    other_pool = Database(database_url)
    try:
        one = SharedBudget(database, TELEGRAM, 1000)
        two = SharedBudget(other_pool, TELEGRAM, 1000)
        bookings = [await budget.book(200) for budget in (one, two) * 4]
    finally:
        await other_pool.dispose()
    spans = sorted((b.times()[0], b.times()[-1]) for b in bookings)
    assert all(b.count >= 100 for b in bookings)
    assert all(end < start for (_, end), (start, _) in itertools.pairwise(spans))


async def test_a_chat_busy_in_one_worker_is_not_claimed_by_another(database: Database) -> None:
    shared_only(database)
    chats = await add_residents(database, [1, 2])
    for alert in (await publish(database), await publish(database)):
        await plan(database, alert)  # two alerts: each chat has two rows
    now = datetime.now(UTC)
    lease = now + timedelta(seconds=30)
    async with database.transaction() as session:
        first = await delivery_queue.claim_batch(
            session, owner="a", now=now, lease_until=lease, limit=1, chat_gaps=GAPS
        )
    async with database.transaction() as session:
        second = await delivery_queue.claim_batch(
            session, owner="b", now=now, lease_until=lease, limit=10, chat_gaps=GAPS
        )
    assert len(first) == 1 and first[0].chat_id not in {r.chat_id for r in second}
    assert {r.chat_id for r in second} == set(chats) - {first[0].chat_id}
    # Sent a moment ago: still too soon for that chat's next row, in any worker.
    async with database.transaction() as session:
        await delivery_queue.record_sent(session, sent=[(first[0].id, 1)], now=now)
        await session.execute(
            update(delivery).where(delivery.c.lease_owner == "b").values(state="sent", sent_at=now)
        )
        third = await delivery_queue.claim_batch(
            session, owner="b", now=now, lease_until=lease, limit=10, chat_gaps=GAPS
        )
    assert third == []
    later = now + timedelta(seconds=2)
    async with database.transaction() as session:
        fourth = await delivery_queue.claim_batch(
            session, owner="b", now=later, lease_until=lease, limit=10, chat_gaps=GAPS
        )
    # (Both rows of the other chat went in one batch: that worker spaces them itself.)
    assert [r.chat_id for r in fourth] == [first[0].chat_id]


@pytest.mark.slow
async def test_paid_broadcast_fans_out_at_its_own_cap_and_edits_at_the_free_one(
    fake: FakeTelegram, database: Database, settings: Callable[..., Settings]
) -> None:
    # Twice the free cap: edits sent any faster than 30/s would meet a 429 within a second.
    chats = await add_residents(database, range(10_000, 10_060))
    fake.faults.rate_limit = 30  # Telegram's free broadcast limit: edits, replies, progress
    fake.faults.paid_rate_limit = 1000
    config = settings(telegram_api_base_url=fake.base_url, delivery_rate=1000, paid_broadcast=True)
    services = build_services(config, delivery=FAST_DELIVERY)
    app = build_application(config, services)
    async with running(app, poll_timeout=5):
        alert = await publish(database)
        wake_dispatch(app)
        await fake.wait_until(lambda: all(fake.messages(c) for c in chats), timeout=60)
        # A cancel: a paid send each, and an edit of each earlier copy (edits are never paid).
        await correct(database, alert, cancel=True)
        wake_dispatch(app)
        await fake.wait_until(lambda: fake.stats.edits >= len(chats), timeout=60)
    assert fake.stats.too_many_requests == 0
    assert fake.stats.paid_broadcasts == 2 * len(chats)
    assert max(fake.stats.messages_per_chat[c] for c in chats) == 2


def test_a_lower_clock_offset_never_squeezes_a_booking_into_the_one_before(
    database: Database,
) -> None:
    # How a booking lands on this process's clock once its offset is known: a quicker reading
    # of the database's clock moved the second booking 50 ms earlier than the first one ends.
    budget = SharedBudget(database, TELEGRAM, 30)
    interval = budget.clock.interval
    first_start, first = budget._after_own(10.0, 6)
    assert (first_start, first) == (10.0, 6)
    ends = first_start + first * interval
    start, usable = budget._after_own(ends - 0.05, 6)
    # The slots inside the first booking are given up; the rest keep the spacing and the end.
    assert start >= ends and usable == 6 - 2
    assert start + usable * interval == pytest.approx(ends - 0.05 + 6 * interval)
    # A booking that lands after the last one is left as the database gave it.
    later = start + usable * interval + 1.0
    assert budget._after_own(later, 6) == (later, 6)
