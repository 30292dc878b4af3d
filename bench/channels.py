"""District-channel benchmark: "time until the last follower has it".

    .venv/bin/python -m bench.channels [-n 10000] [--channel-share 0.5] [--rate 30]

N followers of Quetta, a share of them channel members (one linked channel) and the rest private
subscribers; then the same N all private, for comparison. Each run verifies one alert and
measures from verification to the channel post and to the last private message, with the bot
under the send cap (DELIVERY_RATE, Telegram's 30/s by default) against an in-process faketg
that enforces the same cap. Prints a table. Loopback traffic only; every phase is bounded.
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
from datetime import UTC, datetime

from bot.app import build_application, build_services
from bot.runtime import running
from core.settings import Settings
from delivery.wiring import wake_dispatch
from faketg import DEFAULT_TOKEN, FakeTelegram
from storage import channels
from storage.db import Database
from storage.migrate import migrate
from tests.delivery.helpers import add_residents, publish

CHANNEL = -1001000000001
FIRST_RESIDENT = 10_000_000


async def run(n: int, share: float, rate: float, wait: float) -> dict[str, float | None]:
    """One fan-out on a fresh SQLite database: seconds to the channel post and to the last
    private message (None where there was none)."""
    members = round(n * share)
    private = n - members
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        database = Database(url)
        await migrate(database)
        chats = await add_residents(database, range(FIRST_RESIDENT, FIRST_RESIDENT + private))
        async with FakeTelegram() as fake:
            fake.faults.rate_limit = rate
            if members:
                fake.add_channel(CHANNEL, username="kb_quetta", member_count=members)
                async with database.transaction() as session:
                    await channels.link_channel(
                        session,
                        chat_id=CHANNEL,
                        title="KB Quetta",
                        username="kb_quetta",
                        language="en",
                        districts=["quetta"],
                        member_count=members,
                        by=1,
                        now=datetime.now(UTC),
                    )
            settings = Settings(
                telegram_bot_token=DEFAULT_TOKEN,
                telegram_api_base_url=fake.base_url,
                database_url=url,
                delivery_rate=rate,
            )
            app = build_application(settings, build_services(settings))
            async with running(app, poll_timeout=5):
                await publish(database)
                verified = asyncio.get_running_loop().time()
                wake_dispatch(app)
                posted: float | None = None
                if members:
                    await fake.wait_until(lambda: fake.messages(CHANNEL), wait)
                    posted = asyncio.get_running_loop().time() - verified
                await fake.wait_until(lambda: all(fake.messages(c) for c in chats), wait)
                last = asyncio.get_running_loop().time() - verified if chats else None
            per_chat = fake.stats.messages_per_chat
            dupes = sum(1 for c in chats if per_chat[c] > 1) + int(per_chat[CHANNEL] > 1)
            http429 = fake.stats.too_many_requests
        await database.dispose()
    return {"channel": posted, "last_private": last, "429s": http429, "dupes": dupes}


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


async def main(args: argparse.Namespace) -> None:
    """Both runs, then the table."""
    logging.basicConfig(level=logging.WARNING)
    timeout = 2 * args.n / args.rate + 60
    mixed = await run(args.n, args.channel_share, args.rate, timeout)
    alone = await run(args.n, 0.0, args.rate, timeout)
    members = round(args.n * args.channel_share)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"N = {args.n} followers of Quetta, cap {args.rate:g}/s (bot and fake)\n")
    print(
        "| run | channel members | private | channel post | last private message | 429s | dupes |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| channel + private | {members} | {args.n - members} | {seconds(mixed['channel'])} "
        f"| {seconds(mixed['last_private'])} | {mixed['429s']:.0f} | {mixed['dupes']:.0f} |"
    )
    print(
        f"| private only | 0 | {args.n} | - | {seconds(alone['last_private'])} "
        f"| {alone['429s']:.0f} | {alone['dupes']:.0f} |"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.channels", description=__doc__)
    p.add_argument("-n", type=int, default=10_000, help="followers (100000 is the big run)")
    p.add_argument("--channel-share", type=float, default=0.5, help="share in the channel")
    p.add_argument("--rate", type=float, default=30.0, help="send cap per second")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
