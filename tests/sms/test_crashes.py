"""A real worker process bound to the fake SMSC: kill -9 in the middle of an SMS fan-out."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.numbers import NumberVault
from core.settings import Settings
from delivery.sms import LANES, window_for
from fakesmsc import FakeSmsc
from faketg import DEFAULT_TOKEN, FakeTelegram
from storage.db import Database
from storage.delivery_models import delivery
from tests.delivery.helpers import publish
from tests.launcher import Launched, Launcher
from tests.sms.conftest import NUMBER_KEY
from tests.sms.helpers import add_sms_residents, numbers
from tests.waiting import eventually

pytestmark = pytest.mark.slow
RECIPIENTS = 600
RATE = 500.0  # submit_sm per second: the fan-out takes a second, so the kill lands inside it
# The documented bound: a batch per lane, submitted but not yet recorded when the worker died.
DUPLICATE_BOUND = LANES * window_for(RATE)


@contextmanager
def worker(
    launcher: Launcher, database_url: str, fake: FakeTelegram, smsc: FakeSmsc, log: Path
) -> Iterator[Launched]:
    """`python main.py worker` with an SMPP account at the fake SMSC."""
    inherited = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    env = {
        **inherited,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DELIVERY_RATE": "0",
        "DELIVERY_LEASE_SECONDS": "2",
        "ADMIN_IDS": "",
        "LOG_LEVEL": "WARNING",
        "SMPP_HOST": "127.0.0.1",
        "SMPP_PORT": str(smsc.port),
        "SMPP_SYSTEM_ID": smsc.system_id,
        "SMPP_PASSWORD": smsc.password,
        "SMS_RATE": str(RATE),
        "SMS_NUMBER_KEY": NUMBER_KEY,
    }
    with log.open("ab") as out:
        process = launcher.spawn(["main.py", "worker"], env=env, stdout=out, stderr=out)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


async def test_kill_9_mid_sms_fan_out_then_restart_texts_everyone(
    launcher: Launcher,
    fake: FakeTelegram,
    smsc: FakeSmsc,
    database: Database,
    database_url: str,
    vault: NumberVault,
    tmp_path: Path,
) -> None:
    phones = numbers(RECIPIENTS)
    await add_sms_residents(database, vault, phones)
    await publish(database)
    log = tmp_path / "worker.log"
    counts = smsc.messages_per_number

    with worker(launcher, database_url, fake, smsc, log) as first:
        await smsc.wait_for(lambda: len(counts) >= RECIPIENTS // 4, seconds=60)
        first.kill()  # SIGKILL: no unbind, no hand-back, no last record
        first.wait(timeout=10)
    before = len(counts)
    assert before < RECIPIENTS, "the fan-out finished before the kill; make it bigger"

    with worker(launcher, database_url, fake, smsc, log):
        await smsc.wait_for(lambda: all(counts[p] for p in phones), seconds=90)

        async def all_recorded() -> bool:
            async with database.read() as session:
                sent = await session.scalar(
                    select(func.count()).where(delivery.c.state == "sent", delivery.c.kind == "sms")
                )
            return sent == RECIPIENTS

        await eventually(all_recorded, seconds=30)

    duplicates = sum(counts[p] - 1 for p in phones)
    print(f"\nSMS crash test: killed after {before} of {RECIPIENTS}; {duplicates} duplicates")
    assert smsc.binds == 2
    assert 0 <= duplicates <= DUPLICATE_BOUND
