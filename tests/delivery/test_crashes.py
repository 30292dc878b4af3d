"""Real worker processes against the fake Bot API: kill -9 mid fan-out, and two workers."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.settings import Settings
from delivery.sender import RECORD_BATCH
from faketg import DEFAULT_TOKEN, FakeTelegram
from storage.db import Database
from storage.delivery_models import delivery
from tests.delivery.helpers import add_residents, publish
from tests.launcher import Launched, Launcher

pytestmark = pytest.mark.slow
RECIPIENTS = 2000  # a second or two of unlimited fan-out: the kill at a quarter lands inside it
CONCURRENCY = 32
# The documented bound: sends in flight plus finished sends not yet recorded.
DUPLICATE_BOUND = CONCURRENCY + RECORD_BATCH


@contextmanager
def worker(
    launcher: Launcher, database_url: str, fake: FakeTelegram, log: Path, *, rate: float = 0
) -> Iterator[Launched]:
    """`python main.py worker` against the fake, as production would run it (by default
    unlimited: these tests measure crash safety, not pacing)."""
    # The worker reads its environment; the shell's own settings (HTTP_PORT…) stay out of it.
    inherited = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    env = {
        **inherited,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DELIVERY_RATE": str(rate),
        "DELIVERY_CONCURRENCY": str(CONCURRENCY),
        "DELIVERY_LEASE_SECONDS": "2",
        "ADMIN_IDS": "",
        "LOG_LEVEL": "WARNING",
    }
    with log.open("ab") as out:
        process = launcher.spawn(["main.py", "worker"], env=env, stdout=out, stderr=out)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def tail(log: Path) -> str:
    return log.read_text()[-3000:]


def delivered(fake: FakeTelegram, chats: list[int]) -> bool:
    per_chat = fake.stats.messages_per_chat
    return all(per_chat[c] for c in chats)


async def all_recorded(database: Database, seconds: float = 30) -> bool:
    """Poll the outbox (another process writes it) until every send is recorded as sent."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        async with database.transaction() as session:
            sent = await session.scalar(
                select(func.count()).where(delivery.c.state == "sent", delivery.c.kind == "send")
            )
        if sent == RECIPIENTS:
            return True
        await asyncio.sleep(0.2)
    return False


async def wait_for_everyone(fake: FakeTelegram, chats: list[int], log: Path) -> None:
    try:
        await fake.wait_until(lambda: delivered(fake, chats), timeout=90)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nworker log:\n{tail(log)}") from None


async def test_kill_9_mid_fan_out_then_restart_delivers_to_everyone(
    launcher: Launcher, fake: FakeTelegram, database: Database, database_url: str, tmp_path: Path
) -> None:
    chats = await add_residents(database, range(10_000, 10_000 + RECIPIENTS))
    await publish(database)
    log = tmp_path / "worker.log"

    with worker(launcher, database_url, fake, log) as first:
        await fake.wait_until(lambda: fake.stats.messages_sent >= RECIPIENTS // 4, timeout=60)
        first.kill()  # SIGKILL: no clean-up of any kind
        first.wait(timeout=10)
    assert not delivered(fake, chats), "the fan-out finished before the kill; make it bigger"

    with worker(launcher, database_url, fake, log):
        await wait_for_everyone(fake, chats, log)
        # Rows the killed worker sent but never recorded come back when its lease runs out and
        # are sent again: those are the duplicates. Wait for the outbox to say all is sent.
        assert await all_recorded(database), tail(log)

    per_chat = fake.stats.messages_per_chat
    duplicates = sum(per_chat[c] - 1 for c in chats)
    assert 0 <= duplicates <= DUPLICATE_BOUND


async def test_two_workers_share_the_queue_and_send_each_row_once(
    launcher: Launcher, fake: FakeTelegram, database: Database, database_url: str, tmp_path: Path
) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite runs one worker; sharing the queue is a PostgreSQL feature")
    chats = await add_residents(database, range(20_000, 20_000 + RECIPIENTS))
    await publish(database)
    log = tmp_path / "workers.log"

    with worker(launcher, database_url, fake, log), worker(launcher, database_url, fake, log):
        await wait_for_everyone(fake, chats, log)

    assert max(fake.stats.messages_per_chat[c] for c in chats) == 1


async def test_two_workers_share_one_send_budget_within_telegrams_cap(
    launcher: Launcher, fake: FakeTelegram, database: Database, database_url: str, tmp_path: Path
) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite runs one worker; the shared budget is a PostgreSQL feature")
    fake.faults.rate_limit = 30  # Telegram's cap for the whole bot, enforced by the fake
    chats = await add_residents(database, range(30_000, 30_060))
    await publish(database)
    await publish(database)  # two alerts: each chat gets two messages
    log = tmp_path / "paced.log"

    # Each worker is configured with the whole bot's rate: nothing is split by hand.
    with (
        worker(launcher, database_url, fake, log, rate=30),
        worker(launcher, database_url, fake, log, rate=30),
    ):
        try:
            await fake.wait_until(
                lambda: all(fake.stats.messages_per_chat[c] == 2 for c in chats), timeout=120
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nworker log:\n{tail(log)}") from None

    assert fake.stats.too_many_requests == 0, tail(log)
    assert max(fake.stats.messages_per_chat[c] for c in chats) == 2
