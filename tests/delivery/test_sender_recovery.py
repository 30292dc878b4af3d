"""The sender after a database error: it starts again whole, and nothing is lost or repeated."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from sqlalchemy import func, select

from core.context import KhabardarApp
from delivery.sender import RECORD_BATCH
from delivery.wiring import wake_dispatch
from faketg import FakeTelegram
from storage.db import Database
from storage.delivery_models import delivery
from tests.conftest import FAST_DELIVERY, MS, quick_ticks
from tests.delivery.helpers import add_residents, fail_claim, publish, refuse_statements
from tests.waiting import eventually

DELIVERIES = "khabardar_deliveries_total"


@quick_ticks
async def test_a_claim_the_database_refused_costs_nothing(
    fake: FakeTelegram,
    bot: KhabardarApp,
    database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # More residents than one batch of results: a sender that came back without its
    # recorder would stall once that many sends waited to be written.
    chats = await add_residents(database, range(1, RECORD_BATCH + 17))
    failed = fail_claim(database)
    caplog.set_level(logging.WARNING)
    await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(lambda: all(fake.messages(c) for c in chats), timeout=30)

    async def all_recorded() -> bool:
        async with database.read() as session:
            states: dict[str, int] = dict(
                (
                    await session.execute(
                        select(delivery.c.state, func.count()).group_by(delivery.c.state)
                    )
                ).all()
            )
        return states.get("sent", 0) == len(chats) and set(states) <= {"sent"}

    await eventually(all_recorded)
    assert failed, "the claim was never refused: the test did not test anything"
    assert max(fake.stats.messages_per_chat[c] for c in chats) == 1
    # A database that drops a connection is a warning to the deployer, not a traceback.
    restarts = [r for r in caplog.records if "delivery sender" in r.getMessage()]
    assert restarts and all(r.levelno == logging.WARNING and not r.exc_info for r in restarts)
    # Nor does it quote the statement (SQLAlchemy's text carries the parameters too).
    assert not any("UPDATE delivery" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "delivery_policy",
    # Renewed every 0.1 s; expired leases come back at each 0.1 s dispatch tick.
    [dataclasses.replace(FAST_DELIVERY, lease=300 * MS, dispatch_interval=100 * MS)],
    ids=["short-lease"],
)
async def test_rows_whose_lease_was_not_renewed_are_not_sent_until_claimed_again(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    # Telegram is slow: the fan-out takes several leases, rows wait in the sender's hands.
    chats = await add_residents(database, range(1, 101))
    fake.faults.latency_ms = 80  # under a third of the lease: no send outlives its lease
    renewals = refuse_statements(
        database,
        lambda statement, _values: statement.lstrip().startswith("UPDATE delivery SET lease_until"),
        times=3,
    )
    registry = bot.bot_data.services.metrics.registry
    await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(lambda: all(fake.messages(c) for c in chats), timeout=30)
    # Three renewals in a row failed: what was in hand then was left to run out (another
    # worker could have claimed it) and went out once it was claimed again.
    assert len(renewals) == 3
    assert (registry.get_sample_value(DELIVERIES, {"outcome": "dropped"}) or 0) > 0
    assert max(fake.stats.messages_per_chat[c] for c in chats) == 1
