"""Delivery benchmark: the engine against faketg, and two python-telegram-bot baselines.

    .venv/bin/python -m bench.delivery [-n 10000] [--capped-n 900] [--database-url URL]

Starts `python -m faketg` in its own process (so it does not compete with the bot for a core),
measures the fake alone, then, on one fresh database with N residents following Quetta:
the engine with the API unlimited, the engine under a 30/s cap (a smaller district, so the run
stays short), a naive PTB loop, and PTB's AIORateLimiter with asyncio.gather. Prints a table.
Loopback traffic only; every phase is bounded in time.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")  # before telegram is imported

import argparse
import asyncio
import logging
import platform
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select

from bench.baselines import aio_rate_limiter_gather, naive_loop
from bench.measure import RssSampler, percentile
from bot.app import build_application, build_services
from bot.runtime import running
from core.settings import Settings
from delivery.wiring import engine_of, wake_dispatch
from faketg import DEFAULT_TOKEN
from faketg.loadtest import run_raw
from storage.db import Database
from storage.deliveries import alert_id_of
from storage.delivery_models import delivery
from storage.migrate import migrate
from tests.delivery.helpers import add_residents, publish

PROBE_CHAT = 999_000_001  # a resident who types /help during the fan-out
TEXT = "<b>🟠 SEVERE</b> · Security incident\n📍 Quetta\n<b>Firing near Quetta bypass</b>"


@dataclass
class Row:
    """One line of the table."""

    name: str
    n: int
    values: dict[str, str] = field(default_factory=dict)


@asynccontextmanager
async def standalone_fake() -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    """`python -m faketg` on a free port; yields its URL and a control-API client."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "faketg",
        "--port",
        "0",
        "--quiet",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        base_url = line.split("base_url=")[1].split()[0]
        url = base_url.removesuffix("/bot")
        async with httpx.AsyncClient(base_url=url, timeout=60) as control:
            yield url, control
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 10)


async def fake_faults(control: httpx.AsyncClient, **faults: object) -> None:
    await control.post("/_fake/reset")
    await control.post("/_fake/faults", json={"clear": True, **faults})


async def fake_stats(control: httpx.AsyncClient) -> dict[str, object]:
    stats: dict[str, object] = (await control.get("/_fake/stats")).json()
    return stats


async def probe_replies(
    control: httpx.AsyncClient, done: Callable[[], bool], seconds: float
) -> list[float]:
    """A resident sends /help again and again during the fan-out; reply latencies (s)."""
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        seq = (await control.get(f"/_fake/messages/{PROBE_CHAT}?after_seq=1000000000")).json()
        started = time.perf_counter()
        await control.post("/_fake/message", json={"chat_id": PROBE_CHAT, "text": "/help"})
        answer = await control.get(
            f"/_fake/wait/{PROBE_CHAT}", params={"after_seq": seq["seq"], "timeout": 10}
        )
        if answer.status_code == 200:
            latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.5)  # a busy resident: a command every half second
    return latencies


async def engine_run(
    name: str,
    *,
    url: str,
    control: httpx.AsyncClient,
    database_url: str,
    district: str,
    n: int,
    rate: float,
    fake_rate: float | None,
    paid: bool = False,
) -> Row:
    """Verify an alert for a district and let the real Application fan it out.

    With `paid`, the bot sends its fan-out with allow_paid_broadcast at `rate` while the fake
    holds everything else (replies, progress edits) to `fake_rate` and paid sends to its
    default 1,000/s (Telegram's).
    """
    await fake_faults(control, rate_limit=fake_rate)
    settings = Settings(
        telegram_bot_token=DEFAULT_TOKEN,
        telegram_api_base_url=f"{url}/bot",
        database_url=database_url,
        delivery_rate=rate,
        paid_broadcast=paid,
    )
    services = build_services(settings)
    app = build_application(settings, services)
    sampler = RssSampler()
    async with running(app, poll_timeout=5):
        sampler.start()
        alert = await publish(services.database, districts=(district,))
        verified = datetime.now(UTC)
        async with services.database.transaction() as session:
            alert_id = await alert_id_of(session, identifier=alert.identifier)
        wake_dispatch(app)
        progress = {"sent": 0}

        async def count_sent() -> None:
            while progress["sent"] < n:
                # A read: a write transaction would queue for SQLite's lock with the fan-out.
                async with services.database.read() as session:
                    progress["sent"] = (
                        await session.scalar(
                            select(func.count()).where(
                                delivery.c.alert_id == alert_id, delivery.c.state == "sent"
                            )
                        )
                        or 0
                    )
                await asyncio.sleep(0.25)

        counting = asyncio.create_task(count_sent())
        latencies = await probe_replies(control, lambda: progress["sent"] >= n, 600)
        await asyncio.wait_for(counting, 900)
        engine = engine_of(app)
        plan_seconds = engine.last_plan_seconds if engine else None
        sampler.stop()
    async with services.database.transaction() as session:
        first, last = (
            await session.execute(
                select(func.min(delivery.c.sent_at), func.max(delivery.c.sent_at)).where(
                    delivery.c.alert_id == alert_id
                )
            )
        ).one()
    await services.database.dispose()
    stats = await fake_stats(control)
    per_chat = {int(k): v for k, v in stats["messages_per_chat"].items()}  # type: ignore[attr-defined]
    row = Row(name, n)
    span = (last - first).total_seconds()
    row.values.update(
        plan=f"{plan_seconds:.2f} s" if plan_seconds is not None else "?",
        first=f"{(first - verified).total_seconds():.2f} s",
        last=f"{(last - verified).total_seconds():.1f} s",
        rate=f"{(n - 1) / span:.0f}/s" if span > 0 else "?",
        all_rate=f"{chat_requests(stats) / (span + 1e-9):.0f}/s",
        http429=str(stats["too_many_requests"]),
        p95=f"{percentile(latencies, 95) * 1000:.0f} ms ({len(latencies)})" if latencies else "-",
        rss=f"{sampler.peak_mib:.0f} MiB",
        **dupes_and_misses(per_chat, range_of(district, n)),
    )
    return row


def chat_requests(stats: dict[str, object]) -> int:
    """Sends and edits Telegram accepted: replies and progress edits share the cap."""
    requests: dict[str, int] = stats["requests"]  # type: ignore[assignment]
    made = requests.get("sendMessage", 0) + requests.get("editMessageText", 0)
    return made - int(str(stats["too_many_requests"]))


FIRST_CHAT = {"quetta": 1_000_001, "kech": 5_000_001, "pishin": 7_000_001}


def range_of(district: str, n: int) -> range:
    # Clear of the operators' chats (101, 202), who get progress messages.
    return range(FIRST_CHAT[district], FIRST_CHAT[district] + n)


def dupes_and_misses(per_chat: dict[int, int], chats: range) -> dict[str, str]:
    dupes = sum(max(per_chat.get(c, 0) - 1, 0) for c in chats)
    misses = sum(1 for c in chats if not per_chat.get(c))
    return {"dupes": str(dupes), "misses": str(misses)}


async def baseline_run(
    name: str,
    runner: Callable[[str, list[int], str], object],
    *,
    url: str,
    control: httpx.AsyncClient,
    chats: range,
    fake_rate: float | None,
) -> Row:
    await fake_faults(control, rate_limit=fake_rate)
    sampler = RssSampler()
    sampler.start()
    started = time.perf_counter()
    first, last = await runner(f"{url}/bot", list(chats), TEXT)  # type: ignore[misc]
    sampler.stop()
    stats = await fake_stats(control)
    per_chat = {int(k): v for k, v in stats["messages_per_chat"].items()}  # type: ignore[attr-defined]
    delivered = sum(1 for c in chats if per_chat.get(c))
    span = last - first
    row = Row(name, len(chats))
    row.values.update(
        plan="-",
        first=f"{first - started:.2f} s",
        last=f"{last - started:.1f} s",
        rate=f"{(delivered - 1) / span:.0f}/s" if span > 0 and delivered > 1 else "?",
        all_rate=f"{delivered / span:.0f}/s" if span > 0 else "?",
        http429=str(stats["too_many_requests"]),
        p95="-",
        rss=f"{sampler.peak_mib:.0f} MiB",
        **dupes_and_misses(per_chat, chats),
    )
    return row


COLUMNS = [
    ("name", "run"),
    ("n", "N"),
    ("plan", "planning"),
    ("first", "first msg"),
    ("last", "last msg"),
    ("rate", "fan-out rate"),
    ("all_rate", "all sends"),
    ("http429", "429s"),
    ("p95", "reply p95 (n)"),
    ("rss", "peak RSS"),
    ("dupes", "dupes"),
    ("misses", "misses"),
]


def table(rows: list[Row]) -> str:
    cells = [[label for _, label in COLUMNS]]
    for row in rows:
        cells.append([row.name, f"{row.n:,}", *(row.values.get(key, "") for key, _ in COLUMNS[2:])])
    lines = ["| " + " | ".join(line) + " |" for line in cells]
    lines.insert(1, "|" + "|".join(" --- " for _ in COLUMNS) + "|")
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        database_url = Settings(
            database_url=args.database_url or f"sqlite:///{tmp}/bench.db"
        ).database_url
        database = Database(database_url)
        await migrate(database)
        # name, district, N, DELIVERY_RATE, the fake's free cap, paid broadcast
        engine_runs = [
            ("engine, API unlimited", "quetta", args.n, 0, None, False),
            ("engine, 30/s cap", "kech", args.capped_n, 30, 30, False),
            ("engine, paid broadcast at 1,000/s", "pishin", args.paid_n, 1000, 30, True),
        ]
        for _name, district, n, *_rest in engine_runs:
            await add_residents(database, range_of(district, n), [district])
        await database.dispose()
        async with standalone_fake() as (url, control):
            raw = await run_raw(url, DEFAULT_TOKEN, 5000, 8, 1000)
            rows = [
                await engine_run(
                    name,
                    url=url,
                    control=control,
                    database_url=database_url,
                    district=district,
                    n=n,
                    rate=rate,
                    fake_rate=fake_rate,
                    paid=paid,
                )
                for name, district, n, rate, fake_rate, paid in engine_runs
            ]
            # The two PTB baselines on the same fake: unlimited, then under the 30/s cap.
            unlimited_n, capped_n = min(args.n, args.baseline_n), args.capped_n
            baselines = [
                ("naive PTB loop, unlimited", naive_loop, "quetta", unlimited_n, None),
                ("naive PTB loop, 30/s cap", naive_loop, "kech", capped_n, 30),
                ("AIORateLimiter+gather, 30/s cap", aio_rate_limiter_gather, "kech", capped_n, 30),
            ]
            for name, runner, district, n, fake_rate in baselines:
                chats = range_of(district, n)
                rows.append(
                    await baseline_run(
                        name, runner, url=url, control=control, chats=chats, fake_rate=fake_rate
                    )
                )
    print(
        f"\nmachine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, database {database_url.split(':')[0]}; "
        f"faketg alone: {raw:.0f} req/s (raw client, 8 connections)\n"
    )
    print(table(rows))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__)
    p.add_argument("-n", type=int, default=10_000, help="residents in the big district")
    p.add_argument("--capped-n", type=int, default=900, help="residents for the 30/s runs")
    p.add_argument("--paid-n", type=int, default=10_000, help="residents for the paid run")
    p.add_argument("--baseline-n", type=int, default=10_000, help="cap on the naive loop's N")
    p.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    return p.parse_args(argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    # AIORateLimiter logs every RetryAfter it gives up on with a traceback: the table counts them.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    asyncio.run(main(parse_args()))
