"""Fixtures for the fake Telegram server's own tests."""

from __future__ import annotations

import functools
import ssl
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

# pytest-xdist's controller imports this file too and runs no test: the fake and PTB are
# imported where a fixture needs them.
if TYPE_CHECKING:
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
    from faketg import FakeTelegram

    async with FakeTelegram() as server:
        yield server


@functools.cache
def _tls() -> ssl.SSLContext:
    # Every PTB Bot builds two httpx clients, and each would load the CA bundle anew (about
    # 20 ms of CPU): one context serves every client in the run. The fake speaks plain HTTP.
    return ssl.create_default_context()


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    requests = [HTTPXRequest(httpx_kwargs={"verify": _tls()}) for _ in range(2)]
    async with Bot(
        fake.token, base_url=fake.base_url, request=requests[0], get_updates_request=requests[1]
    ) as client:
        yield client
