"""Named queries of SMS: recipients and their districts, shutdowns, planning, parts, receipts.

Numbers arrive here already sealed (core.numbers): storage never sees a phone number in clear.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    delete,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

import storage.models  # noqa: F401  (registers the resident tables)
from domain.delivery.rules import Kind, State
from domain.sms.numbers import SMS_CHAT_BASE
from storage.delivery_models import delivery
from storage.models import Resident, Subscription
from storage.sms_models import sms_recipient, sms_shutdown, sms_subscription
from storage.upsert import upsert

resident = Resident.__table__  # type: ignore[attr-defined]
subscription = Subscription.__table__  # type: ignore[attr-defined]
chat_key = (literal(SMS_CHAT_BASE, BigInteger) - sms_recipient.c.id).label("chat_id")


@dataclass(frozen=True, slots=True)
class Recipient:
    """A stored number's settings (never the number itself)."""

    id: int
    language: str
    chat_id: int | None
    districts: tuple[str, ...]


# --- recipients -----------------------------------------------------------------------------


async def find_recipient(session: AsyncSession, *, number_hash: str) -> Recipient | None:
    """The recipient an inbound number (by its keyed hash) belongs to."""
    row = (
        await session.execute(
            select(sms_recipient.c.id, sms_recipient.c.language, sms_recipient.c.chat_id).where(
                sms_recipient.c.number_hash == number_hash
            )
        )
    ).first()
    if row is None:
        return None
    districts = await session.scalars(
        select(sms_subscription.c.district)
        .where(sms_subscription.c.recipient_id == row.id)
        .order_by(sms_subscription.c.district)
    )
    return Recipient(row.id, row.language, row.chat_id, tuple(districts))


async def _ensure_recipient(
    session: AsyncSession, *, number_hash: str, sealed: str, language: str, now: datetime
) -> int:
    await session.execute(
        upsert(
            session,
            sms_recipient,
            {
                "number_hash": number_hash,
                "number_sealed": sealed,
                "language": language,
                "created_at": now,
            },
            keys=["number_hash"],
            update={"language": language},
        )
    )
    found = await session.scalar(
        select(sms_recipient.c.id).where(sms_recipient.c.number_hash == number_hash)
    )
    assert found is not None
    return int(found)


async def join(
    session: AsyncSession,
    *,
    number_hash: str,
    sealed: str,
    language: str,
    district: str,
    now: datetime,
) -> bool:
    """Subscribe a number to a district (creating its recipient); False if it already was."""
    recipient_id = await _ensure_recipient(
        session, number_hash=number_hash, sealed=sealed, language=language, now=now
    )
    result = await session.execute(
        upsert(session, sms_subscription, {"recipient_id": recipient_id, "district": district})
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def leave(
    session: AsyncSession, *, number_hash: str, district: str | None = None
) -> tuple[str, ...] | None:
    """Unsubscribe a number from one district, or from all; a number left with no district and
    no Telegram chat is erased. The districts it still follows, None if it was not known."""
    found = await find_recipient(session, number_hash=number_hash)
    if found is None:
        return None
    remaining = tuple(d for d in found.districts if district is not None and d != district)
    if district is not None:
        await session.execute(
            delete(sms_subscription).where(
                sms_subscription.c.recipient_id == found.id,
                sms_subscription.c.district == district,
            )
        )
    if not remaining:
        await _erase(session, recipient_id=found.id, keep_fallback=found.chat_id is not None)
    return remaining


async def _erase(session: AsyncSession, *, recipient_id: int, keep_fallback: bool) -> None:
    await session.execute(
        delete(sms_subscription).where(sms_subscription.c.recipient_id == recipient_id)
    )
    if keep_fallback:  # the Telegram resident's own choice; /delete erases it
        return
    await forget_sms_deliveries(session, recipient_ids=[recipient_id])
    await session.execute(delete(sms_recipient).where(sms_recipient.c.id == recipient_id))


async def forget_sms_deliveries(session: AsyncSession, *, recipient_ids: Sequence[int]) -> None:
    """Erase which alerts these numbers were sent (STOP, /delete)."""
    keys = [SMS_CHAT_BASE - r for r in recipient_ids]
    await session.execute(
        delete(delivery).where(delivery.c.kind == Kind.SMS.value, delivery.c.chat_id.in_(keys))
    )


async def stop_numbers(session: AsyncSession, *, recipient_ids: Sequence[int]) -> None:
    """The SMSC says these numbers are invalid: erase them; nothing waiting is ever sent."""
    keys = [SMS_CHAT_BASE - r for r in recipient_ids]
    await session.execute(
        update(delivery)
        .where(
            delivery.c.kind == Kind.SMS.value,
            delivery.c.chat_id.in_(keys),
            delivery.c.state.in_([State.PENDING.value, State.HELD.value]),
        )
        .values(state=State.BLOCKED.value, last_error="invalid number")
    )
    await session.execute(delete(sms_recipient).where(sms_recipient.c.id.in_(list(recipient_ids))))


async def set_fallback(
    session: AsyncSession,
    *,
    chat_id: int,
    number_hash: str,
    sealed: str,
    language: str,
    now: datetime,
) -> None:
    """A Telegram resident's own number, for SMS while their district is cut off."""
    await erase_fallback(session, chat_id=chat_id)
    recipient_id = await _ensure_recipient(
        session, number_hash=number_hash, sealed=sealed, language=language, now=now
    )
    await session.execute(
        update(sms_recipient).where(sms_recipient.c.id == recipient_id).values(chat_id=chat_id)
    )


async def fallback_of(session: AsyncSession, *, chat_id: int) -> str | None:
    """The sealed fallback number of a Telegram resident."""
    return await session.scalar(
        select(sms_recipient.c.number_sealed).where(sms_recipient.c.chat_id == chat_id)
    )


async def erase_fallback(session: AsyncSession, *, chat_id: int) -> bool:
    """Erase a Telegram resident's fallback number (and what was sent to it)."""
    ids = list(
        await session.scalars(select(sms_recipient.c.id).where(sms_recipient.c.chat_id == chat_id))
    )
    if not ids:
        return False
    await forget_sms_deliveries(session, recipient_ids=ids)
    await session.execute(delete(sms_recipient).where(sms_recipient.c.id.in_(ids)))
    return True


async def sealed_numbers(
    session: AsyncSession, *, recipient_ids: Collection[int]
) -> dict[int, str]:
    """Sealed numbers by recipient, for the SMS sender."""
    rows = await session.execute(
        select(sms_recipient.c.id, sms_recipient.c.number_sealed).where(
            sms_recipient.c.id.in_(list(recipient_ids))
        )
    )
    return {r.id: r.number_sealed for r in rows}


async def count_sms_only(session: AsyncSession) -> int:
    """How many SMS-only residents there are (a count, never who)."""
    return int(
        await session.scalar(
            select(func.count()).select_from(sms_recipient).where(sms_recipient.c.chat_id.is_(None))
        )
        or 0
    )


# --- declared data shutdowns ----------------------------------------------------------------


async def set_shutdown(
    session: AsyncSession, *, districts: Collection[str], on: bool, by: int, now: datetime
) -> list[str]:
    """Declare (on) or end (off) a data shutdown; the districts whose state changed."""
    current = set(await session.scalars(select(sms_shutdown.c.district)))
    changed = sorted(set(districts) - current if on else set(districts) & current)
    if not changed:
        return []
    if on:
        await session.execute(
            upsert(
                session,
                sms_shutdown,
                [{"district": d, "declared_by": by, "declared_at": now} for d in changed],
            )
        )
    else:
        await session.execute(delete(sms_shutdown).where(sms_shutdown.c.district.in_(changed)))
    return changed


async def list_shutdowns(session: AsyncSession) -> dict[str, datetime]:
    """Districts under a declared data shutdown, and since when."""
    rows = await session.execute(
        select(sms_shutdown.c.district, sms_shutdown.c.declared_at).order_by(
            sms_shutdown.c.district
        )
    )
    return {district: at for district, at in rows}
