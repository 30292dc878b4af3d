"""Shared send budget benchmark: `main.py worker` processes on PostgreSQL against one capped fake.

    .venv/bin/python -m bench.workers --database-url postgresql://USER@HOST/SCRATCH_DB \
        [-n 900] [--paid-n 10000]

The database is a scratch one: its schema is dropped and rebuilt. Starts `python -m faketg`
capped at Telegram's 30/s (free) and 1,000/s (allow_paid_broadcast), then per run starts worker
processes, every one configured with the whole bot's DELIVERY_RATE (nothing split by hand),
verifies an alert for a district of its own and measures the fan-out from the outbox and the
fake: combined rate (first to last delivery), share of the cap, 429s, duplicates, misses. The
baseline in the same run is one worker alone at the same cap; "one killed" sends SIGKILL to one
of two workers half-way and reports the rate after the kill. Prints a table.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")  # before telegram is imported

import argparse
import asyncio
import platform
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

from bench.delivery import dupes_and_misses, fake_faults, fake_stats, standalone_fake
from core.settings import Settings
from faketg import DEFAULT_TOKEN
from storage.db import Database
from storage.deliveries import alert_id_of
from storage.delivery_models import delivery
from storage.migrate import migrate
from tests.delivery.helpers import add_residents, publish

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Run:
    """One line of the table."""

    name: str
    district: str
    first_chat: int
    n: int
    workers: int
    rate: float
    paid: bool = False
    kill_one: bool = False
    fake_capped: bool = True  # False: the machine's own ceiling, for comparison


@contextmanager
def worker(database_url: str, base_url: str, run: Run) -> Iterator[subprocess.Popen[bytes]]:
    """`python main.py worker`, configured as production would be."""
    inherited = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    env = {
        **inherited,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": f"{base_url}/bot",
        "DELIVERY_RATE": str(run.rate),
        "PAID_BROADCAST": "true" if run.paid else "false",
        "DELIVERY_LEASE_SECONDS": "2",
        "LOG_LEVEL": "ERROR",
    }
    process = subprocess.Popen(
        [sys.executable, "main.py", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


async def workers_up(control: httpx.AsyncClient, count: int) -> None:
    """Every worker is up once it has asked the fake who it is (getMe)."""
    for _ in range(600):  # other processes: poll them, for at most two minutes
        requests: dict[str, int] = (await fake_stats(control))["requests"]  # type: ignore[assignment]
        if requests.get("getMe", 0) >= count:
            return
        await asyncio.sleep(0.2)
    raise RuntimeError("the workers did not start")


async def sent_count(database: Database, alert_id: int) -> int:
    async with database.read() as session:
        found = await session.scalar(
            select(func.count()).where(
                delivery.c.alert_id == alert_id,
                delivery.c.state == "sent",
                delivery.c.kind == "send",
            )
        )
    return int(found or 0)


async def sent_span(
    database: Database, alert_id: int, after: datetime | None = None
) -> tuple[int, float]:
    """Rows sent (after a moment) and the seconds between the first and the last of them."""
    where = [delivery.c.alert_id == alert_id, delivery.c.state == "sent"]
    if after is not None:
        where.append(delivery.c.sent_at >= after)
    async with database.read() as session:
        count, first, last = (
            await session.execute(
                select(
                    func.count(), func.min(delivery.c.sent_at), func.max(delivery.c.sent_at)
                ).where(*where)
            )
        ).one()
    return int(count), (last - first).total_seconds() if count > 1 else 0.0


async def measure(
    run: Run, *, database_url: str, base_url: str, control: httpx.AsyncClient
) -> dict[str, str]:
    database = Database(database_url)
    if run.fake_capped:
        await fake_faults(control, rate_limit=30, paid_rate_limit=1000)
    else:
        await fake_faults(control, rate_limit=None, paid_rate_limit=None)
    chats = range(run.first_chat, run.first_chat + run.n)
    killed_at: datetime | None = None
    with ExitStack() as stack:
        workers = [
            stack.enter_context(worker(database_url, base_url, run)) for _ in range(run.workers)
        ]
        await workers_up(control, run.workers)
        alert = await publish(database, districts=(run.district,))
        async with database.read() as session:
            alert_id = await alert_id_of(session, identifier=alert.identifier)
        assert alert_id is not None
        deadline = asyncio.get_running_loop().time() + 30 + 3 * run.n / (run.rate or 100)
        while (done := await sent_count(database, alert_id)) < run.n:
            if run.kill_one and killed_at is None and done >= run.n // 2:
                workers[0].send_signal(signal.SIGKILL)
                async with database.read() as session:
                    killed_at = await session.scalar(select(func.now()))
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.2)
    count, span = await sent_span(database, alert_id)
    stats = await fake_stats(control)
    per_chat = {int(k): v for k, v in stats["messages_per_chat"].items()}  # type: ignore[attr-defined]
    rate = (count - 1) / span if span else 0.0
    row = {
        "rate": f"{rate:.1f}/s",
        "share": f"{100 * rate / run.rate:.0f} %" if run.rate else "-",
        "http429": str(stats["too_many_requests"]),
        "after_kill": "-",
        **dupes_and_misses(per_chat, chats),
    }
    if killed_at is not None:
        after, after_span = await sent_span(database, alert_id, killed_at)
        row["after_kill"] = f"{(after - 1) / after_span:.1f}/s" if after_span else "?"
    await database.dispose()
    return row


COLUMNS = [
    ("name", "run"),
    ("n", "N"),
    ("workers", "workers"),
    ("cap", "cap"),
    ("rate", "combined rate"),
    ("share", "of the cap"),
    ("after_kill", "after the kill"),
    ("http429", "429s"),
    ("dupes", "dupes"),
    ("misses", "misses"),
]


def table(rows: list[tuple[Run, dict[str, str]]]) -> str:
    lines = ["| " + " | ".join(label for _, label in COLUMNS) + " |"]
    lines.append("|" + "|".join(" --- " for _ in COLUMNS) + "|")
    for run, values in rows:
        cap = (f"{run.rate:.0f}/s" if run.rate else "none") + (" paid" if run.paid else "")
        cells = [run.name, f"{run.n:,}", str(run.workers), cap]
        cells += [values[key] for key, _ in COLUMNS[4:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


async def reset(database_url: str) -> None:
    database = Database(database_url)
    async with database.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await migrate(database)
    await database.dispose()


async def main(args: argparse.Namespace) -> None:
    database_url = Settings(database_url=args.database_url).database_url
    if not database_url.startswith("postgresql"):
        raise SystemExit("the shared budget is PostgreSQL's: pass a PostgreSQL --database-url")
    n, paid_n = args.n, args.paid_n
    runs = [
        Run("one worker (baseline)", "kech", 2_000_001, n, 1, 30),
        Run("two workers, shared budget", "gwadar", 3_000_001, n, 2, 30),
        Run("two workers, one killed half-way", "panjgur", 4_000_001, n, 2, 30, kill_one=True),
        Run("one worker, no cap anywhere", "zhob", 7_000_001, paid_n, 1, 0, fake_capped=False),
        Run("one worker, paid broadcast", "pishin", 5_000_001, paid_n, 1, 1000, paid=True),
        Run("two workers, paid broadcast", "quetta", 6_000_001, paid_n, 2, 1000, paid=True),
    ]
    runs = [run for run in runs if args.only in run.name]
    if not runs:
        raise SystemExit(f"no run's name contains {args.only!r}")
    await reset(database_url)
    database = Database(database_url)
    for run in runs:
        chats = range(run.first_chat, run.first_chat + run.n)
        await add_residents(database, chats, [run.district])
    await database.dispose()
    rows = []
    async with standalone_fake() as (base_url, control):
        for run in runs:
            rows.append(
                (
                    run,
                    await measure(
                        run, database_url=database_url, base_url=base_url, control=control
                    ),
                )
            )
    print(
        f"\nmachine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
        f"{platform.python_implementation()} {platform.python_version()}, PostgreSQL; "
        "fake capped at 30/s free and 1,000/s paid\n"
    )
    print(table(rows))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__)
    p.add_argument("--database-url", required=True, help="a scratch PostgreSQL database")
    p.add_argument("-n", type=int, default=900, help="residents per 30/s run")
    p.add_argument("--paid-n", type=int, default=10_000, help="residents per paid run")
    p.add_argument("--only", default="", help="only the runs whose name contains this")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
