"""Named queries of safety check-ins; only counts leave here. The caller owns the transaction."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.checkins import Answer, CheckinCounts, counts_from
from domain.delivery.rules import RECEIVED, Kind
from storage.alert_models import alert
from storage.checkin_models import checkin
from storage.delivery_models import delivery
from storage.upsert import upsert


async def was_sent(session: AsyncSession, *, alert_id: int, chat_id: int) -> bool:
    """Whether this chat was sent this alert (only recipients may answer under it)."""
    found = await session.scalar(
        select(delivery.c.id).where(
            delivery.c.alert_id == alert_id,
            delivery.c.chat_id == chat_id,
            delivery.c.kind == Kind.SEND.value,
            # Claimed: sent, its outcome not yet recorded (a tap can beat the record).
            delivery.c.state.in_([s.value for s in RECEIVED]),
        )
    )
    return found is not None


async def record_answer(
    session: AsyncSession,
    *,
    alert_id: int,
    chat_id: int,
    district: str,
    answer: Answer,
    now: datetime,
    replace: bool = True,
) -> Answer | None:
    """Store the chat's answer under an alert (a second tap replaces it, unless `replace` is
    False: then an earlier answer stays); returns the answer found before, if any."""
    before = await session.scalar(
        select(checkin.c.answer).where(checkin.c.alert_id == alert_id, checkin.c.chat_id == chat_id)
    )
    if before is not None and not replace:
        return Answer(before)
    await session.execute(
        upsert(
            session,
            checkin,
            {
                "alert_id": alert_id,
                "chat_id": chat_id,
                "district": district,
                "answer": answer.value,
                "answered_at": now,
            },
            keys=["alert_id", "chat_id"],
            update=["district", "answer", "answered_at"],
        )
    )
    return Answer(before) if before is not None else None


async def counts(
    session: AsyncSession,
    *,
    identifiers: Collection[str] | None = None,
    district: str | None = None,
) -> list[CheckinCounts]:
    """Answers per alert and district (raw counts; never which chat answered)."""
    query = (
        select(alert.c.identifier, checkin.c.district, checkin.c.answer, func.count())
        .join(alert, alert.c.id == checkin.c.alert_id)
        .group_by(alert.c.identifier, checkin.c.district, checkin.c.answer)
    )
    if identifiers is not None:
        query = query.where(alert.c.identifier.in_(list(identifiers)))
    if district is not None:
        query = query.where(checkin.c.district == district)
    rows = await session.execute(query)
    return counts_from((r[0], r[1], r[2], int(r[3])) for r in rows.all())


async def forget_chat(session: AsyncSession, *, chat_id: int) -> int:
    """Erase a chat's answers (for /delete)."""
    result = await session.execute(delete(checkin).where(checkin.c.chat_id == chat_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def count_for_chat(session: AsyncSession, *, chat_id: int) -> int:
    """How many answers a chat has stored (shown by /mydata)."""
    query = select(func.count()).select_from(checkin).where(checkin.c.chat_id == chat_id)
    return int(await session.scalar(query) or 0)


async def purge_older(session: AsyncSession, *, before: datetime) -> int:
    """Erase answers given before a moment, in one statement; returns how many."""
    result = await session.execute(delete(checkin).where(checkin.c.answered_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]
