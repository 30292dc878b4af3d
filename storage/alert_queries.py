"""Named queries that read alerts: one by identifier, the verification queue, the live
list, and the delivery engine's inbox and hand-off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import Alert, AlertKind, AlertState, MsgType
from storage.alert_models import alert, alert_district
from storage.alert_rows import load_alerts

_PENDING, _VERIFIED = AlertState.PENDING.value, AlertState.VERIFIED.value


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


async def list_drafts(session: AsyncSession, *, author: int) -> list[Alert]:
    """An author's unsubmitted drafts, oldest first."""
    return await load_alerts(
        session, alert.c.state == AlertState.DRAFT.value, alert.c.author_id == author
    )


async def list_active(
    session: AsyncSession,
    *,
    now: datetime,
    district: str | None = None,
    kind: AlertKind | None = None,
    include_team_only: bool = False,
) -> list[Alert]:
    """Verified alerts and updates not yet expired, newest approval first. Cancels are notices,
    not situations, so they are left out; team-only exercises and tests only when asked."""
    where = [alert.c.state == _VERIFIED, alert.c.expires > now]
    where.append(alert.c.msg_type != MsgType.CANCEL.value)
    if district is not None:
        in_district = select(alert_district.c.alert_id).where(alert_district.c.district == district)
        where.append(alert.c.id.in_(in_district))
    if kind is not None:
        where.append(alert.c.kind == kind.value)
    if not include_team_only:
        where.append(alert.c.restricted_to_team.is_(False))
    return await load_alerts(session, *where, order=[alert.c.verified_at.desc(), alert.c.id.desc()])


async def list_verified_undelivered(
    session: AsyncSession, *, now: datetime, limit: int = 100
) -> list[Alert]:
    """The delivery engine's inbox: verified, unexpired, not yet planned, oldest approval first.
    Updates, cancels and team-only alerts included: the engine decides who receives them."""
    return await load_alerts(
        session,
        alert.c.state == _VERIFIED,
        alert.c.delivery_planned_at.is_(None),
        alert.c.expires > now,
        order=[alert.c.verified_at, alert.c.id],
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
