"""SMS recipients for tests, stored through the real storage functions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import insert, literal, select

from core.numbers import NumberVault
from storage.db import Database
from storage.sms_models import sms_recipient, sms_subscription


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
    """SMS-only residents who joined a district, inserted in bulk."""
    now = datetime.now(UTC)
    hashes = {phone: vault.lookup(phone) for phone in phones}
    async with db.transaction() as session:
        await session.execute(
            insert(sms_recipient),
            [
                {
                    "number_hash": key,
                    "number_sealed": vault.seal(phone),
                    "language": language,
                    "created_at": now,
                }
                for phone, key in hashes.items()
            ],
        )
        await session.execute(
            insert(sms_subscription).from_select(
                ["recipient_id", "district"],
                select(sms_recipient.c.id, literal(district)).where(
                    sms_recipient.c.number_hash.in_(list(hashes.values()))
                ),
            )
        )
