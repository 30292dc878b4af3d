"""SMS recipients for tests, stored through the real storage functions."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime

from core.numbers import NumberVault
from storage import sms
from storage.db import Database


def numbers(count: int, start: int = 0) -> list[str]:
    """Distinct Pakistani mobile numbers."""
    return [f"92300{n:07d}" for n in range(start, start + count)]


async def add_sms_residents(
    db: Database,
    vault: NumberVault,
    phones: Iterable[str],
    district: str = "quetta",
    *,
    language: str = "en",
) -> None:
    """SMS-only residents who joined a district."""
    async with db.transaction() as session:
        for phone in phones:
            await sms.join(
                session,
                number_hash=vault.lookup(phone),
                sealed=vault.seal(phone),
                language=language,
                district=district,
                now=datetime.now(UTC),
            )


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> None:
    """Wait until an asynchronous check (a database read) holds, re-reading every 20 ms."""
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110 - the condition lives in the database
            await asyncio.sleep(0.02)  # polling interval of a condition, not a fixed wait
