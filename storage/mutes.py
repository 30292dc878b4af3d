"""Named queries of per-alert mutes ("I'm safe — mute updates for an hour"); the caller commits."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.alert_models import alert
from storage.models import AlertMute
from storage.upsert import upsert

# Corrections chain one after another; far more than any real thread, and a loop guard.
_MAX_CHAIN = 100


async def thread_of(session: AsyncSession, *, identifier: str) -> str | None:
    """The first alert of the chain an alert belongs to (itself when it corrects nothing);
    None if there is no such alert."""
    current: str | None = identifier
    for _ in range(_MAX_CHAIN):
        row = (
            await session.execute(
                select(alert.c.identifier, alert.c.refers_to).where(alert.c.identifier == current)
            )
        ).first()
        if row is None:
            return None
        if row.refers_to is None:
            return str(row.identifier)
        current = row.refers_to
    return current


async def mute_thread(session: AsyncSession, *, chat_id: int, thread: str, until: datetime) -> None:
    """Send this chain's updates to this chat silently until a moment (pressed again: later)."""
    await session.execute(
        upsert(
            session,
            AlertMute,
            {"chat_id": chat_id, "thread": thread, "until": until},
            keys=["chat_id", "thread"],
            update=["until"],
        )
    )


async def muted(
    session: AsyncSession, *, threads: Collection[str], chat_ids: Collection[int], now: datetime
) -> set[tuple[int, str]]:
    """Which (chat, thread) pairs among these are muted now."""
    if not threads or not chat_ids:
        return set()
    rows = await session.execute(
        select(col(AlertMute.chat_id), col(AlertMute.thread)).where(
            col(AlertMute.thread).in_(list(threads)),
            col(AlertMute.chat_id).in_(list(chat_ids)),
            col(AlertMute.until) > now,
        )
    )
    return {(int(chat), str(thread)) for chat, thread in rows.all()}


async def count_for_chat(session: AsyncSession, *, chat_id: int, now: datetime) -> int:
    """How many alert chains a chat has muted now (shown by /mydata)."""
    found = await session.scalar(
        select(func.count()).where(col(AlertMute.chat_id) == chat_id, col(AlertMute.until) > now)
    )
    return int(found or 0)


async def purge_expired(session: AsyncSession, *, now: datetime) -> int:
    """Erase mutes that ended: a mute is kept no longer than it acts."""
    result = await session.execute(delete(AlertMute).where(col(AlertMute.until) <= now))
    return int(result.rowcount)  # type: ignore[attr-defined]
