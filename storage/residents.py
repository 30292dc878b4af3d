"""Named queries about residents and their subscriptions; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.alerts import Severity
from domain.preferences import Preferences, QuietHours
from storage.audience import withdraw_for_chat
from storage.models import AlertMute, CorridorSubscription, Resident, Subscription
from storage.upsert import upsert


async def get_resident(session: AsyncSession, *, chat_id: int) -> Resident | None:
    """The resident for a chat, if the chat has ever used the bot."""
    return await session.get(Resident, chat_id)


async def ensure_resident(session: AsyncSession, *, chat_id: int, language: str) -> Resident:
    """The resident for a chat, created with this language if new (double taps are harmless)."""
    await session.execute(
        upsert(session, Resident, {"chat_id": chat_id, "language": language}, keys=["chat_id"])
    )
    resident = await session.get(Resident, chat_id, populate_existing=True)
    assert resident is not None
    return resident


async def set_language(session: AsyncSession, *, chat_id: int, language: str) -> None:
    """Change the language a resident reads."""
    await session.execute(
        update(Resident).where(col(Resident.chat_id) == chat_id).values(language=language)
    )


async def set_preferences(session: AsyncSession, *, chat_id: int, prefs: Preferences) -> None:
    """Store a resident's kinds, minimum severity and quiet hours; alerts still waiting for
    the chat that the new filters exclude are withdrawn."""
    await session.execute(
        update(Resident)
        .where(col(Resident.chat_id) == chat_id)
        .values(
            kinds_mask=prefs.kinds_mask,
            min_severity=int(prefs.min_severity),
            quiet_start=prefs.quiet.start if prefs.quiet else None,
            quiet_end=prefs.quiet.end if prefs.quiet else None,
        )
    )
    await withdraw_for_chat(session, chat_id=chat_id)


def preferences_of(resident: Resident) -> Preferences:
    """The domain view of a stored resident's filters."""
    quiet = (
        QuietHours(resident.quiet_start, resident.quiet_end)
        if resident.quiet_start is not None and resident.quiet_end is not None
        else None
    )
    return Preferences(resident.kinds_mask, Severity(resident.min_severity), quiet)


async def subscribe(session: AsyncSession, *, chat_id: int, districts: Iterable[str]) -> list[str]:
    """Add districts to a resident's list; returns those that were not there before."""
    wanted = list(dict.fromkeys(districts))
    if not wanted:
        return []
    existing = set(await list_subscriptions(session, chat_id=chat_id))
    added = [d for d in wanted if d not in existing]
    if added:
        await session.execute(
            upsert(
                session,
                Subscription,
                [{"chat_id": chat_id, "district": d} for d in added],
                keys=["chat_id", "district"],
            )
        )
    return added


async def unsubscribe(
    session: AsyncSession, *, chat_id: int, districts: Iterable[str]
) -> list[str]:
    """Remove districts from a resident's list; returns those that were there. Alerts still
    waiting for the chat that it now follows no other way are withdrawn."""
    wanted = list(dict.fromkeys(districts))
    existing = set(await list_subscriptions(session, chat_id=chat_id))
    removed = [d for d in wanted if d in existing]
    if removed:
        await session.execute(
            delete(Subscription).where(
                col(Subscription.chat_id) == chat_id,
                col(Subscription.district).in_(removed),
            )
        )
        await withdraw_for_chat(session, chat_id=chat_id)
    return removed


async def list_subscriptions(session: AsyncSession, *, chat_id: int) -> list[str]:
    """The district slugs a resident follows, alphabetically."""
    rows = await session.execute(
        select(col(Subscription.district))
        .where(col(Subscription.chat_id) == chat_id)
        .order_by(col(Subscription.district))
    )
    return list(rows.scalars())


async def delete_resident(session: AsyncSession, *, chat_id: int) -> bool:
    """Erase everything stored about a chat; returns whether there was anything."""
    await session.execute(delete(Subscription).where(col(Subscription.chat_id) == chat_id))
    await session.execute(
        delete(CorridorSubscription).where(col(CorridorSubscription.chat_id) == chat_id)
    )
    await session.execute(delete(AlertMute).where(col(AlertMute.chat_id) == chat_id))
    result = await session.execute(delete(Resident).where(col(Resident.chat_id) == chat_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def count_subscribers_by_district(session: AsyncSession) -> dict[str, int]:
    """How many active residents follow each district: counts only, never who."""
    rows = await session.execute(
        select(col(Subscription.district), func.count())
        .join(Resident, col(Resident.chat_id) == col(Subscription.chat_id))
        .where(col(Resident.active).is_(True))
        .group_by(col(Subscription.district))
    )
    return {district: count for district, count in rows.all()}


async def follow_corridors(
    session: AsyncSession, *, chat_id: int, routes: Iterable[str]
) -> list[str]:
    """Add route codes to a resident's corridors; returns those that were not there before."""
    wanted = list(dict.fromkeys(routes))
    existing = set(await list_corridors(session, chat_id=chat_id))
    added = [r for r in wanted if r not in existing]
    if added:
        await session.execute(
            upsert(
                session,
                CorridorSubscription,
                [{"chat_id": chat_id, "route": r} for r in added],
                keys=["chat_id", "route"],
            )
        )
    return added


async def unfollow_corridors(
    session: AsyncSession, *, chat_id: int, routes: Iterable[str]
) -> list[str]:
    """Remove route codes from a resident's corridors; returns those that were there. Alerts
    still waiting for the chat that it now follows no other way are withdrawn."""
    wanted = list(dict.fromkeys(routes))
    existing = set(await list_corridors(session, chat_id=chat_id))
    removed = [r for r in wanted if r in existing]
    if removed:
        await session.execute(
            delete(CorridorSubscription).where(
                col(CorridorSubscription.chat_id) == chat_id,
                col(CorridorSubscription.route).in_(removed),
            )
        )
        await withdraw_for_chat(session, chat_id=chat_id)
    return removed


async def list_corridors(session: AsyncSession, *, chat_id: int) -> list[str]:
    """The route codes a resident follows, alphabetically."""
    rows = await session.execute(
        select(col(CorridorSubscription.route))
        .where(col(CorridorSubscription.chat_id) == chat_id)
        .order_by(col(CorridorSubscription.route))
    )
    return list(rows.scalars())


async def set_quiet_note(
    session: AsyncSession, *, chat_id: int, minute: int | None, handled_at: datetime | None
) -> None:
    """Turn the daily all-quiet note on at a local minute (None: off); `handled_at` marks today's
    as done when its time has already passed, so choosing a time never sends one at once."""
    await session.execute(
        update(Resident)
        .where(col(Resident.chat_id) == chat_id)
        .values(heartbeat_minute=minute, heartbeat_sent_at=handled_at)
    )


async def claim_quiet_notes(
    session: AsyncSession, *, minute: int, day_start: datetime, now: datetime, limit: int = 500
) -> list[tuple[int, str]]:
    """Mark the all-quiet notes due now as handled and return their (chat id, language): due
    means asked for, time come, none handled since local midnight, chat still active. Marking
    first makes two workers' ticks send each note once."""
    due = (
        select(col(Resident.chat_id))
        .where(
            col(Resident.active).is_(True),
            col(Resident.heartbeat_minute).is_not(None),
            col(Resident.heartbeat_minute) <= minute,
            or_(
                col(Resident.heartbeat_sent_at).is_(None),
                col(Resident.heartbeat_sent_at) < day_start,
            ),
        )
        .order_by(col(Resident.chat_id))
        .limit(limit)
    )
    result = await session.execute(
        update(Resident)
        .where(col(Resident.chat_id).in_(due.scalar_subquery()))
        .values(heartbeat_sent_at=now)
        .returning(col(Resident.chat_id), col(Resident.language))
    )
    return sorted((int(r[0]), str(r[1])) for r in result.all())


async def unclaim_quiet_note(session: AsyncSession, *, chat_id: int) -> None:
    """A note that could not be sent is due again at the next tick."""
    await session.execute(
        update(Resident).where(col(Resident.chat_id) == chat_id).values(heartbeat_sent_at=None)
    )
