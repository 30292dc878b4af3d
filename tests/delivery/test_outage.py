"""Telegram out of reach for a while: alerts wait for it, and go out once it is back."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from bot.app import build_application, build_services
from bot.runtime import running
from core.settings import Settings
from delivery.wiring import wake_dispatch
from faketg import FakeTelegram
from storage.db import Database
from tests.conftest import FAST_DELIVERY, MS
from tests.delivery.helpers import add_residents, publish
from tests.waiting import eventually

DELIVERIES = "khabardar_deliveries_total"


class Gate:
    """A TCP relay in front of the fake Bot API. Shut, nothing listens on its port (a refused
    connection, as when Telegram or the route to it is down) and open relays are cut."""

    def __init__(self, host: str, port: int) -> None:
        self.target = host, port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._relays: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        self._server = await asyncio.start_server(
            self._relay, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def shut(self) -> None:
        assert self._server is not None
        self._server.close()
        # Listening sockets close at once; the relays' are cut, as an outage would.
        for writer in list(self._relays):
            writer.transport.abort()
        await self._server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._relays |= {writer, up_writer}
        try:
            await asyncio.gather(_copy(reader, up_writer), _copy(up_reader, writer))
        finally:
            self._relays -= {writer, up_writer}


async def _copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        with contextlib.suppress(ConnectionError):  # the gate cut it
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
    finally:
        sink.transport.abort()


@pytest.mark.slow
async def test_an_outage_delays_an_alert_but_never_fails_it(
    fake: FakeTelegram,
    database: Database,
    settings: Callable[..., Settings],
) -> None:
    address = urlsplit(fake.url)
    assert address.hostname and address.port
    gate = Gate(address.hostname, address.port)
    await gate.open()
    config = settings(telegram_api_base_url=f"http://127.0.0.1:{gate.port}/bot")
    # Retries come due within 20 ms; the sender looks for them as often.
    policy = dataclasses.replace(FAST_DELIVERY, idle_poll=20 * MS)
    services = build_services(config, delivery=policy, database=database)
    chats = await add_residents(database, [1, 2, 3])
    registry = services.metrics.registry

    def outcomes(outcome: str) -> float:
        return registry.get_sample_value(DELIVERIES, {"outcome": outcome}) or 0.0

    try:
        async with running(build_application(config, services), poll_timeout=1) as app:
            await gate.shut()
            await publish(database)
            wake_dispatch(app)
            # Each resident's copy is tried far more often than a send that reached Telegram
            # may be (max_attempts), and none of them is given up.
            tries = len(chats) * 3 * policy.max_attempts

            async def tried_or_failed() -> bool:
                return outcomes("retry") >= tries or outcomes("failed") > 0

            await eventually(tried_or_failed, seconds=30)
            assert outcomes("failed") == 0
            assert not any(fake.messages(c) for c in chats)
            await gate.open()
            await fake.wait_until(lambda: all(fake.messages(c) for c in chats), timeout=30)
    finally:
        await gate.shut()
    assert max(fake.stats.messages_per_chat[c] for c in chats) == 1
