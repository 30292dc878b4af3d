"""SMS throughput against the fake SMSC: the engine at several SMS_RATE values, and a baseline.

    .venv/bin/python -m bench.sms [-n 1000] [--rates 50 200 1000]

For each rate: a fresh SQLite database with N SMS-only residents following Quetta, one verified
alert, the real Application bound to the fake SMSC (in this process); measures submit_sm per
second from the first to the last, and duplicates. The baseline is a stop-and-wait loop on the
same codec (bind, then submit_sm and wait for each answer), the simplest correct client.
Loopback only; the fake runs in the same process, so it shares the core.
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
from pathlib import Path

from bot.app import build_application, build_services
from bot.runtime import running
from core.numbers import NumberVault
from core.settings import Settings
from delivery.smpp_pdu import make_pdu, parse_pdu, read_pdu
from delivery.wiring import wake_dispatch
from domain.sms.encoding import Coding, encode
from fakesmsc import FakeSmsc
from faketg import DEFAULT_TOKEN, FakeTelegram
from storage.db import Database
from storage.migrate import migrate
from tests.delivery.helpers import publish
from tests.sms.helpers import add_sms_residents, numbers

TEXT = "SEVERE: Quetta. Firing near Quetta bypass Stay in. Ref KB-2026-0001"


async def engine_run(rate: float, n: int, folder: Path) -> dict[str, str]:
    """The real Application fans one alert out to n numbers at this SMS_RATE."""
    key = NumberVault.new_key()
    async with FakeSmsc() as smsc, FakeTelegram() as fake:
        settings = Settings(
            telegram_bot_token=DEFAULT_TOKEN,
            telegram_api_base_url=fake.base_url,
            database_url=f"sqlite+aiosqlite:///{folder / f'sms-{rate:.0f}.db'}",
            delivery_rate=0,
            smpp_host="127.0.0.1",
            smpp_port=smsc.port,
            smpp_system_id=smsc.system_id,
            smpp_password=smsc.password,
            sms_rate=rate,
            sms_number_key=key,
        )
        database = Database(settings.database_url)
        await migrate(database)
        phones = numbers(n)
        await add_sms_residents(database, NumberVault(key), phones)
        await database.dispose()
        services = build_services(settings)
        app = build_application(settings, services)
        async with running(app, poll_timeout=5):
            await smsc.wait_for(lambda: smsc.bound)
            await publish(services.database)
            wake_dispatch(app)
            counts = smsc.messages_per_number
            await smsc.wait_for(lambda: len(counts) >= n, seconds=n / rate * 3 + 30)
        span = _span(smsc)
        duplicates = sum(c - 1 for c in counts.values())
    return {
        "rate": f"{(n - 1) / span:.0f}/s" if span > 0 else "?",
        "of SMS_RATE": f"{(n - 1) / span / rate * 100:.0f} %" if span > 0 else "?",
        "duplicates": str(duplicates),
    }


def _span(smsc: FakeSmsc) -> float:
    times = smsc.submit_times
    return times[-1] - times[0] if len(times) > 1 else 0.0


async def baseline_run(n: int) -> dict[str, str]:
    """Stop-and-wait: one submit_sm at a time, each answered before the next."""
    async with FakeSmsc(receipts=False) as smsc:
        reader, writer = await asyncio.open_connection("127.0.0.1", smsc.port)
        writer.write(
            make_pdu("bind_transceiver", 1, system_id=smsc.system_id, password=smsc.password)
        )
        parse_pdu(await read_pdu(reader))
        payload = encode(TEXT, Coding.GSM7)
        started = time.perf_counter()
        for i, phone in enumerate(numbers(n), start=2):
            writer.write(make_pdu("submit_sm", i, destination_addr=phone, short_message=payload))
            parse_pdu(await read_pdu(reader))
        span = time.perf_counter() - started
        writer.close()
    return {"rate": f"{n / span:.0f}/s", "of SMS_RATE": "-", "duplicates": "0"}


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    rows: list[tuple[str, dict[str, str]]] = []
    with tempfile.TemporaryDirectory() as folder:
        for rate in args.rates:
            rows.append(
                (f"engine, SMS_RATE={rate:g}", await engine_run(rate, args.n, Path(folder)))
            )
    rows.append(("baseline: stop-and-wait loop, no pacing", await baseline_run(args.n)))
    print(
        f"\nSMS to {args.n} numbers, fake SMSC in-process, Python {sys.version.split()[0]}, "
        f"{platform.machine()}, {os.cpu_count()} cores\n"
    )
    columns = ["rate", "of SMS_RATE", "duplicates"]
    print("| run | " + " | ".join(columns) + " |")
    print("| --- |" + " --- |" * len(columns))
    for name, values in rows:
        print(f"| {name} | " + " | ".join(values[c] for c in columns) + " |")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--rates", type=float, nargs="+", default=[50.0, 200.0, 1000.0])
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
