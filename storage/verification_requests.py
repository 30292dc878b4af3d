"""Named queries of verification request messages: remember them, take them when decided."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.alert_models import alert
from storage.upsert import upsert
from storage.verification_models import verification_request

Request = tuple[int, int]  # (chat id, message id)


async def remember_requests(
    session: AsyncSession, *, identifier: str, sent: Sequence[Request]
) -> None:
    """Store where an alert's verification requests went (remembering one twice is harmless)."""
    alert_id = await session.scalar(select(alert.c.id).where(alert.c.identifier == identifier))
    if alert_id is None or not sent:
        return
    rows = [{"alert_id": alert_id, "chat_id": c, "message_id": m} for c, m in sent]
    await session.execute(upsert(session, verification_request, rows))


async def take_requests(session: AsyncSession, *, identifier: str) -> list[Request]:
    """The alert's request messages, forgotten now that someone decided it."""
    alert_id = select(alert.c.id).where(alert.c.identifier == identifier).scalar_subquery()
    rows = await session.execute(
        delete(verification_request)
        .where(verification_request.c.alert_id == alert_id)
        .returning(verification_request.c.chat_id, verification_request.c.message_id)
    )
    return sorted((chat, message) for chat, message in rows)
