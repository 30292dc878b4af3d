"""What re-checking residents' choices costs the queue: claims and withdrawals, in SQL only.

    .venv/bin/python -m bench.claims [-n 10000] [--batch 64] [--database-url URL]

On a fresh database with N residents following Quetta and one planned alert (N pending rows):
drains the queue with claim_batch (lease + the claim-time re-check) in batches as the sender
takes them, timing each claim and, as the baseline in the same run, the re-check alone run
again on the same batch (it finds nothing to withdraw, the same work the claim did). Then
times a resident's withdrawal (/unsubscribe) with N rows in the queue. Prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from storage import deliveries, delivery_queue, residents
from storage.audience import withdraw_claimed
from storage.db import Database, async_database_url
from storage.delivery_models import delivery
from storage.migrate import migrate
from tests.delivery.helpers import add_residents, publish

FIRST_CHAT = 10_000_000


async def fresh(url: str, n: int) -> Database:
    """A migrated database with n residents following Quetta and one alert planned for them."""
    database = Database(url)
    await migrate(database)
    await add_residents(database, range(FIRST_CHAT, FIRST_CHAT + n))
    now = datetime.now(UTC)
    alert = await publish(database, now=now)
    async with database.transaction() as session:
        await deliveries.plan_deliveries(session, alert_=alert, now=now, minute=720)
    return database


async def drain(database: Database, batch: int) -> tuple[int, float, float, int]:
    """Claim everything; (rows, seconds claiming, seconds of the re-check alone, batches)."""
    claimed = claiming = rechecking = 0.0
    batches = 0
    while True:
        now = datetime.now(UTC)
        async with database.transaction() as session:
            started = time.perf_counter()
            rows = await delivery_queue.claim_batch(
                session, owner="bench", now=now, lease_until=now + timedelta(minutes=5), limit=batch
            )
            claiming += time.perf_counter() - started
            if not rows:
                break
            started = time.perf_counter()
            again = await withdraw_claimed(session, ids=[r.id for r in rows])
            rechecking += time.perf_counter() - started
            assert not again
        claimed += len(rows)
        batches += 1
    return int(claimed), claiming, rechecking, batches


async def withdrawals(database: Database, n: int, samples: int) -> float:
    """Mean seconds of one /unsubscribe with n rows waiting (the chats' rows put back)."""
    async with database.transaction() as session:
        await session.execute(update(delivery).values(state="pending", lease_owner=None))
    step = max(1, n // samples)
    chats = list(range(FIRST_CHAT, FIRST_CHAT + n, step))[:samples]
    started = time.perf_counter()
    for chat in chats:
        async with database.transaction() as session:
            await residents.unsubscribe(session, chat_id=chat, districts=["quetta"])
    return (time.perf_counter() - started) / len(chats)


async def main(n: int, batch: int, url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = async_database_url(url) if url else f"sqlite+aiosqlite:///{tmp}/claims.db"
        database = await fresh(url, n)
        try:
            rows, claiming, rechecking, batches = await drain(database, batch)
            unsubscribe = await withdrawals(database, n, 100)
        finally:
            await database.dispose()
    leasing = claiming - rechecking
    print(
        f"\nmachine: {platform.machine()}, CPython {platform.python_version()}, "
        f"database {url.split(':')[0]}; N = {n:,}, batch {batch}\n"
    )
    print("| step | per batch | rows/s | share of the claim |")
    print("| --- | --- | --- | --- |")
    print(
        f"| claim with re-check | {claiming / batches * 1e3:.2f} ms "
        f"| {rows / claiming:,.0f} | 100 % |"
    )
    print(
        f"| baseline: lease only (claim − re-check) | {leasing / batches * 1e3:.2f} ms "
        f"| {rows / leasing:,.0f} | {leasing / claiming:.0%} |"
    )
    print(
        f"| the re-check alone | {rechecking / batches * 1e3:.2f} ms | - "
        f"| {rechecking / claiming:.0%} |"
    )
    print(f"\n/unsubscribe with {n:,} rows waiting: {unsubscribe * 1e3:.2f} ms (mean of 100)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="residents (= rows in the queue)")
    parser.add_argument("--batch", type=int, default=64, help="rows per claim (2 × concurrency)")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.batch, args.database_url))
