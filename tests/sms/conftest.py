"""SMS tests: the real Application bound to the fake SMSC (and polling the fake Bot API)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from core.numbers import NumberVault
from core.settings import Settings
from fakesmsc import FakeSmsc

NUMBER_KEY = NumberVault.new_key()
# Fast enough that tests do not wait on pacing; the throughput benchmark sets its own.
TEST_SMS_RATE = 500.0


@pytest.fixture
async def smsc() -> AsyncIterator[FakeSmsc]:
    """The fake SMSC, listening on a free port."""
    async with FakeSmsc() as server:
        yield server


@pytest.fixture
def settings(settings: Callable[..., Settings], smsc: FakeSmsc) -> Callable[..., Settings]:
    """The shared test settings with an SMPP account at the fake SMSC."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "smpp_host": "127.0.0.1",
            "smpp_port": smsc.port,
            "smpp_system_id": smsc.system_id,
            "smpp_password": smsc.password,
            "sms_sender_id": "Khabardar",
            "sms_rate": TEST_SMS_RATE,
            "sms_number_key": NUMBER_KEY,
        }
        return settings(**{**values, **overrides})

    return make


@pytest.fixture
def vault() -> NumberVault:
    """The vault the app under test seals numbers with."""
    return NumberVault(NUMBER_KEY)
