"""Named queries that read alerts (one by identifier, the verification queue) and hand an
alert off to delivery."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import Alert, AlertState, MsgType
from storage.alert_models import alert
from storage.alert_rows import load_alerts

_PENDING = AlertState.PENDING.value


async def get_alert(session: AsyncSession, *, identifier: str) -> Alert | None:
    """The alert with this identifier (parse_identifier canonicalises typed ones)."""
    found = await load_alerts(session, alert.c.identifier == identifier)
    return found[0] if found else None


async def list_pending(session: AsyncSession, *, limit: int = 50) -> list[Alert]:
    """The verification queue: cancels first (they stop harm), then oldest first."""
    cancels_first = case((alert.c.msg_type == MsgType.CANCEL.value, 0), else_=1)
    return await load_alerts(
        session,
        alert.c.state == _PENDING,
        order=[cancels_first, alert.c.submitted_at, alert.c.id],
        limit=limit,
    )


async def mark_delivery_planned(session: AsyncSession, *, identifier: str, now: datetime) -> bool:
    """Take an alert out of the inbox; False if it was already planned (a repeated tick)."""
    hit = await session.scalar(
        update(alert)
        .where(alert.c.identifier == identifier, alert.c.delivery_planned_at.is_(None))
        .values(delivery_planned_at=now)
        .returning(alert.c.id)
    )
    return hit is not None
