"""Named queries behind operators' delivery reports: counts per alert, and live watchers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.delivery.rules import CHANNEL_KINDS, WAITING, Kind, State
from storage.channel_models import channel
from storage.delivery_models import delivery, delivery_watch
from storage.upsert import upsert

_SEND_KEYS = {
    State.PENDING.value: "waiting",
    State.CLAIMED.value: "waiting",
    State.WITHDRAWN.value: "withdrawn",
}


@dataclass(frozen=True, slots=True)
class ChannelOutcome:
    """Where one channel's post of an alert stands (and the edit of its earlier post)."""

    chat_id: int
    title: str  # the channel's title when it was linked ("" once unlinked)
    post: State | None
    edit: State | None = None

    @property
    def waiting(self) -> bool:
        """Whether the post or the edit is still to be sent."""
        return self.post in WAITING or self.edit in WAITING


@dataclass(frozen=True, slots=True)
class FanoutCounts:
    """Where an alert's fan-out stands, counted per state (sends; edits apart)."""

    sent: int = 0
    waiting: int = 0  # pending or being sent
    held: int = 0  # quiet hours
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    withdrawn: int = 0  # the resident's choices excluded it before it went out
    edited: int = 0  # earlier copies marked updated/cancelled
    edits_waiting: int = 0
    first_sent_at: datetime | None = None
    last_sent_at: datetime | None = None
    channels: tuple[ChannelOutcome, ...] = ()  # channel posts, apart from the private fan-out

    @property
    def planned(self) -> int:
        """Every chat the alert was planned for."""
        return (
            self.sent
            + self.waiting
            + self.held
            + self.failed
            + self.blocked
            + self.skipped
            + self.withdrawn
        )

    @property
    def finished(self) -> bool:
        """Nothing is being sent any more (held rows wait for quiet hours, not for us)."""
        return (
            self.waiting == 0
            and self.edits_waiting == 0
            and not any(c.waiting for c in self.channels)
        )


async def fanout_counts(session: AsyncSession, *, alert_id: int) -> FanoutCounts:
    """Counts for one alert, in one grouped query."""
    rows = await session.execute(
        select(
            delivery.c.kind,
            delivery.c.state,
            func.count(),
            func.min(delivery.c.sent_at),
            func.max(delivery.c.sent_at),
        )
        .where(
            delivery.c.alert_id == alert_id,
            delivery.c.kind.not_in([k.value for k in CHANNEL_KINDS]),
        )
        .group_by(delivery.c.kind, delivery.c.state)
    )
    counts: dict[str, int] = {}
    first = last = None
    for kind, state, count, earliest, latest in rows:
        if kind == Kind.EDIT.value:
            key = "edited" if state == State.SENT.value else "edits_waiting"
            if state in (State.PENDING.value, State.CLAIMED.value, State.SENT.value):
                counts[key] = counts.get(key, 0) + count
            continue
        key = _SEND_KEYS.get(state, state)
        counts[key] = counts.get(key, 0) + count
        if state == State.SENT.value:
            first, last = earliest, latest
    return FanoutCounts(
        **counts,
        first_sent_at=first,
        last_sent_at=last,
        channels=await _channel_outcomes(session, alert_id),
    )


async def _channel_outcomes(session: AsyncSession, alert_id: int) -> tuple[ChannelOutcome, ...]:
    rows = await session.execute(
        select(
            delivery.c.chat_id,
            delivery.c.kind,
            delivery.c.state,
            func.coalesce(channel.c.title, ""),
        )
        .select_from(delivery.outerjoin(channel, channel.c.chat_id == delivery.c.chat_id))
        .where(
            delivery.c.alert_id == alert_id,
            delivery.c.kind.in_([k.value for k in CHANNEL_KINDS]),
        )
        .order_by(delivery.c.id)
    )
    found: dict[int, ChannelOutcome] = {}
    for chat_id, kind, state, title in rows:
        known = found.get(chat_id) or ChannelOutcome(chat_id, title, None)
        if kind == Kind.CHANNEL_POST.value:
            known = ChannelOutcome(chat_id, title, State(state), known.edit)
        else:
            known = ChannelOutcome(chat_id, title, known.post, State(state))
        found[chat_id] = known
    return tuple(found.values())


@dataclass(frozen=True, slots=True)
class Watch:
    """A team member's live progress message for one alert."""

    alert_id: int
    chat_id: int
    language: str
    message_id: int | None
    last_text: str | None


async def add_watchers(
    session: AsyncSession,
    *,
    alert_id: int,
    watchers: Sequence[tuple[int, str]],
    now: datetime,
) -> None:
    """Let these chats (chat id, language) follow the fan-out; adding one twice is harmless."""
    if not watchers:
        return
    rows = [
        {"alert_id": alert_id, "chat_id": chat, "language": lang, "updated_at": now}
        for chat, lang in watchers
    ]
    await session.execute(upsert(session, delivery_watch, rows))


async def list_open_watches(session: AsyncSession) -> list[Watch]:
    """Progress messages of fan-outs that have not finished."""
    rows = await session.execute(
        select(delivery_watch)
        .where(delivery_watch.c.finished.is_(False))
        .order_by(delivery_watch.c.alert_id, delivery_watch.c.chat_id)
    )
    return [Watch(r.alert_id, r.chat_id, r.language, r.message_id, r.last_text) for r in rows]


async def update_watch(
    session: AsyncSession,
    *,
    alert_id: int,
    chat_id: int,
    message_id: int | None,
    text: str | None,
    finished: bool,
    now: datetime,
) -> None:
    """Remember what a watcher's message now says, and whether the report is final."""
    await session.execute(
        update(delivery_watch)
        .where(delivery_watch.c.alert_id == alert_id, delivery_watch.c.chat_id == chat_id)
        .values(message_id=message_id, last_text=text, finished=finished, updated_at=now)
    )
