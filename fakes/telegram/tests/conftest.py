"""Fixtures for the fake Telegram server's own tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from faketg import FakeTelegram


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns (PTBDeprecationWarning) whenever it reads an int time period,
    # e.g. inside RetryAfter.__init__; with filterwarnings=error that warning
    # would replace the RetryAfter. Opting in to timedeltas silences it.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url) as client:
        yield client
