"""Named queries of district channels: link, unlink, list, member counts, and planning their
posts into the delivery outbox; the caller commits."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Subquery, delete, func, insert, literal, select, true, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.delivery.rules import CHANNEL_PRIORITY, RECEIVED, Audience, Kind, State
from storage.alert_models import UTCDateTime, alert_district
from storage.channel_models import channel, channel_district
from storage.delivery_models import delivery
from storage.upsert import upsert

_ROW_COLUMNS = [
    "alert_id",
    "chat_id",
    "kind",
    "language",
    "state",
    "priority",
    "urgent",
    "attempts",
    "next_attempt_at",
    "created_at",
]


@dataclass(frozen=True, slots=True)
class LinkedChannel:
    """A channel the bot posts to, the districts it covers and its last known member count."""

    chat_id: int
    title: str
    username: str | None
    language: str
    districts: tuple[str, ...]
    member_count: int | None
    member_count_at: datetime | None

    @property
    def link(self) -> str | None:
        """Its public t.me address (a private channel has none the bot may share)."""
        return f"https://t.me/{self.username}" if self.username else None


async def link_channel(
    session: AsyncSession,
    *,
    chat_id: int,
    title: str,
    username: str | None,
    language: str,
    districts: Collection[str],
    member_count: int | None,
    by: int,
    now: datetime,
) -> bool:
    """Store a new link; False (nothing written) if the channel is already linked."""
    if await session.scalar(select(channel.c.chat_id).where(channel.c.chat_id == chat_id)):
        return False
    await session.execute(
        insert(channel).values(
            chat_id=chat_id,
            title=title[:128],
            username=username,
            language=language,
            member_count=member_count,
            member_count_at=now if member_count is not None else None,
            linked_by=by,
            linked_at=now,
        )
    )
    await session.execute(
        insert(channel_district), [{"chat_id": chat_id, "district": d} for d in districts]
    )
    return True


async def unlink_channel(session: AsyncSession, *, chat_id: int) -> LinkedChannel | None:
    """Remove a link (its districts go with it); the removed channel, or None."""
    found = await get_channel(session, chat_id=chat_id)
    if found is not None:
        await session.execute(delete(channel_district).where(channel_district.c.chat_id == chat_id))
        await session.execute(delete(channel).where(channel.c.chat_id == chat_id))
    return found


async def get_channel(session: AsyncSession, *, chat_id: int) -> LinkedChannel | None:
    """One linked channel."""
    found = await list_channels(session, chat_ids=[chat_id])
    return found[0] if found else None


async def find_channel(session: AsyncSession, *, username: str) -> LinkedChannel | None:
    """A linked channel by its @name (without the @, any case)."""
    chat_id = await session.scalar(
        select(channel.c.chat_id).where(func.lower(channel.c.username) == username.lower())
    )
    return await get_channel(session, chat_id=chat_id) if chat_id is not None else None


async def list_channels(
    session: AsyncSession,
    *,
    chat_ids: Collection[int] | None = None,
    districts: Collection[str] | None = None,
) -> list[LinkedChannel]:
    """Linked channels (those given, or covering any of these districts), by title."""
    query = select(channel).order_by(channel.c.title, channel.c.chat_id)
    if chat_ids is not None:
        query = query.where(channel.c.chat_id.in_(list(chat_ids)))
    if districts is not None:
        covering = select(channel_district.c.chat_id).where(
            channel_district.c.district.in_(list(districts))
        )
        query = query.where(channel.c.chat_id.in_(covering))
    rows = (await session.execute(query)).all()
    areas: dict[int, list[str]] = {}
    if rows:
        pairs = await session.execute(
            select(channel_district.c.chat_id, channel_district.c.district)
            .where(channel_district.c.chat_id.in_([r.chat_id for r in rows]))
            .order_by(channel_district.c.district)
        )
        for chat_id, district in pairs:
            areas.setdefault(chat_id, []).append(district)
    return [
        LinkedChannel(
            r.chat_id,
            r.title,
            r.username,
            r.language,
            tuple(areas.get(r.chat_id, ())),
            r.member_count,
            r.member_count_at,
        )
        for r in rows
    ]


async def stale_member_counts(session: AsyncSession, *, before: datetime) -> list[int]:
    """Channels whose member count was read before this moment (or never)."""
    rows = await session.scalars(
        select(channel.c.chat_id).where(
            (channel.c.member_count_at.is_(None)) | (channel.c.member_count_at < before)
        )
    )
    return list(rows)


async def record_member_count(
    session: AsyncSession, *, chat_id: int, count: int | None, now: datetime
) -> None:
    """Telegram's member count of a channel (None: it could not be read), and when."""
    values: dict[str, object] = {"member_count_at": now}
    if count is not None:
        values["member_count"] = count
    await session.execute(update(channel).where(channel.c.chat_id == chat_id).values(**values))


async def plan_channel_rows(
    session: AsyncSession,
    *,
    alert_id: int,
    original_id: int | None,
    audience: Audience,
    now: datetime,
) -> tuple[int, int]:
    """Plan an alert's channel posts (channels of its districts, and channels that have the
    original's post, where it becomes a reply) and the edits of those earlier posts, in two
    INSERT … SELECTs; (posts, edits)."""
    sources = []
    if audience.channels:
        sources.append(
            select(channel.c.chat_id, channel.c.language)
            .select_from(
                alert_district.join(
                    channel_district, channel_district.c.district == alert_district.c.district
                ).join(channel, channel.c.chat_id == channel_district.c.chat_id)
            )
            .where(alert_district.c.alert_id == alert_id)
        )
    had_original = None
    if audience.original_channels and original_id is not None:
        had_original = select(delivery.c.chat_id, delivery.c.language).where(
            delivery.c.alert_id == original_id,
            delivery.c.kind == Kind.CHANNEL_POST.value,
            delivery.c.state.in_([s.value for s in RECEIVED]),
        )
        sources.append(had_original)
    posts = edits = 0
    if sources:
        found = union(*sources).subquery("found")
        chats = (
            select(found.c.chat_id, func.min(found.c.language).label("language"))
            .group_by(found.c.chat_id)
            .subquery("chats")
        )
        posts = await _insert(session, alert_id, Kind.CHANNEL_POST, chats, now)
    if had_original is not None and audience.edit_original:
        originals = had_original.subquery("originals")
        edits = await _insert(session, alert_id, Kind.CHANNEL_EDIT, originals, now)
    return posts, edits


async def _insert(
    session: AsyncSession, alert_id: int, kind: Kind, chats: Subquery, now: datetime
) -> int:
    # Channels have no quiet hours: their rows are never held ("urgent").
    rows = select(
        literal(alert_id),
        chats.c.chat_id,
        literal(kind.value),
        chats.c.language,
        literal(State.PENDING.value),
        literal(int(CHANNEL_PRIORITY)),
        literal(True),
        literal(0),
        literal(now, UTCDateTime()),
        literal(now, UTCDateTime()),
    ).where(true())  # SQLite needs a WHERE to parse INSERT … SELECT … ON CONFLICT
    result = await session.execute(upsert(session, delivery, rows, columns=_ROW_COLUMNS))
    return int(result.rowcount)  # type: ignore[attr-defined]
