"""Named queries that keep the delivery queue tidy: closed alerts, quiet hours, chats that
blocked, moved or asked to be forgotten, retention, and the ticks' singleton lock; the caller
commits."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    case,
    delete,
    func,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import AlertState
from domain.delivery.rules import State
from storage.alert_models import alert
from storage.audience import corridor, resident, subscription
from storage.deliveries import quiet_now
from storage.delivery_models import delivery
from storage.upsert import upsert

_VERIFIED = AlertState.VERIFIED.value
_WAITING = (State.PENDING.value, State.HELD.value)


async def skip_closed(session: AsyncSession, *, now: datetime) -> int:
    """Blackout catch-up: waiting rows of alerts that expired, were superseded or cancelled are
    recorded as skipped, never sent late."""
    closed = select(alert.c.id).where(or_(alert.c.state != _VERIFIED, alert.c.expires <= now))
    why = (
        select(case((alert.c.state == _VERIFIED, AlertState.EXPIRED.value), else_=alert.c.state))
        .where(alert.c.id == delivery.c.alert_id)
        .scalar_subquery()
    )
    result = await session.execute(
        update(delivery)
        .where(delivery.c.state.in_(_WAITING), delivery.c.alert_id.in_(closed))
        .values(state=State.SKIPPED.value, last_error=why)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def release_held_for_chat(session: AsyncSession, *, chat_id: int, minute: int) -> int:
    """Release a chat's held rows at once if its resident is not in quiet hours at this local
    minute (they ended or moved them): the same rule as the quiet-hours tick, for one chat."""
    quiet = select(resident.c.chat_id).where(
        resident.c.chat_id == chat_id,
        quiet_now(resident.c.quiet_start, resident.c.quiet_end, minute),
    )
    result = await session.execute(
        update(delivery)
        .where(
            delivery.c.state == State.HELD.value,
            delivery.c.chat_id == chat_id,
            not_(delivery.c.chat_id.in_(quiet)),
        )
        .values(state=State.PENDING.value)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def hold_and_release(session: AsyncSession, *, minute: int) -> tuple[int, int]:
    """Quiet hours at this local minute: hold routine rows of residents now quiet, release held
    rows of residents no longer quiet (or who changed or cleared their hours)."""
    quiet = select(resident.c.chat_id).where(
        quiet_now(resident.c.quiet_start, resident.c.quiet_end, minute)
    )
    released = await session.execute(
        update(delivery)
        .where(delivery.c.state == State.HELD.value, not_(delivery.c.chat_id.in_(quiet)))
        .values(state=State.PENDING.value)
    )
    held = await session.execute(
        update(delivery)
        .where(
            delivery.c.state == State.PENDING.value,
            delivery.c.urgent.is_(False),
            delivery.c.chat_id.in_(quiet),
        )
        .values(state=State.HELD.value)
    )
    return int(held.rowcount), int(released.rowcount)  # type: ignore[attr-defined]


async def deactivate_chats(session: AsyncSession, *, chat_ids: Collection[int]) -> None:
    """Telegram says these chats are gone (blocked, deactivated, not found): the residents are
    marked inactive and nothing else waiting for them is ever sent."""
    if not chat_ids:
        return
    ids = list(chat_ids)
    await session.execute(update(resident).where(resident.c.chat_id.in_(ids)).values(active=False))
    await session.execute(
        update(delivery)
        .where(delivery.c.chat_id.in_(ids), delivery.c.state.in_(_WAITING))
        .values(state=State.BLOCKED.value, last_error="chat unavailable")
    )


async def move_chat(session: AsyncSession, *, old: int, new: int) -> None:
    """A group became a supergroup: the resident, subscriptions and waiting deliveries follow."""
    columns = ["language", "kinds_mask", "min_severity", "quiet_start", "quiet_end", "active"]
    copy = select(literal(new, BigInteger), *(resident.c[c] for c in columns)).where(
        resident.c.chat_id == old
    )
    await session.execute(upsert(session, resident, copy, columns=["chat_id", *columns]))
    subs = select(literal(new, BigInteger), subscription.c.district).where(
        subscription.c.chat_id == old
    )
    await session.execute(upsert(session, subscription, subs, columns=["chat_id", "district"]))
    await session.execute(delete(subscription).where(subscription.c.chat_id == old))
    routes = select(literal(new, BigInteger), corridor.c.route).where(corridor.c.chat_id == old)
    await session.execute(upsert(session, corridor, routes, columns=["chat_id", "route"]))
    await session.execute(delete(corridor).where(corridor.c.chat_id == old))
    await session.execute(delete(resident).where(resident.c.chat_id == old))
    taken = select(delivery.c.alert_id).where(delivery.c.chat_id == new).scalar_subquery()
    waiting = delivery.c.state.in_([*_WAITING, State.CLAIMED.value])
    await session.execute(
        update(delivery)
        .where(delivery.c.chat_id == old, waiting, delivery.c.alert_id.not_in(taken))
        .values(chat_id=new)
    )
    # The new chat has its own row for these alerts (it followed them too): the old chat's
    # would only meet "group migrated" again at every claim until its alert closed.
    await session.execute(
        update(delivery)
        .where(delivery.c.chat_id == old, waiting)
        .values(
            state=State.SKIPPED.value,
            last_error="the group moved to a supergroup that has its own copy",
            lease_owner=None,
            lease_until=None,
        )
    )


async def forget_chat(session: AsyncSession, *, chat_id: int) -> int:
    """Erase a chat's delivery history (for /delete): which alerts it received is personal."""
    result = await session.execute(delete(delivery).where(delivery.c.chat_id == chat_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def count_for_chat(session: AsyncSession, *, chat_id: int) -> int:
    """How many delivery records a chat has (shown by /mydata)."""
    return int(await session.scalar(select(func.count()).where(delivery.c.chat_id == chat_id)) or 0)


async def purge_closed(session: AsyncSession, *, before: datetime) -> int:
    """Erase the delivery rows of alerts that closed (expired, superseded, cancelled) before a
    moment, in one statement; returns how many."""
    closed = select(alert.c.id).where(alert.c.closed_at < before)
    result = await session.execute(delete(delivery).where(delivery.c.alert_id.in_(closed)))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def queue_depth(session: AsyncSession) -> int:
    """Rows waiting to be sent now or later (held ones excluded)."""
    return int(
        await session.scalar(
            select(func.count()).where(
                delivery.c.state.in_([State.PENDING.value, State.CLAIMED.value])
            )
        )
        or 0
    )


async def try_singleton(session: AsyncSession, *, key: int) -> bool:
    """Whether this transaction may run a tick only one worker should run at a time: a
    transaction-scoped advisory lock on PostgreSQL, always on SQLite (one worker)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(key))))
