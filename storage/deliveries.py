"""Named queries that plan an alert's fan-out into the delivery outbox; the caller commits.

Planning is set-based: one INSERT … SELECT for the alert's whole audience (subscribers, team,
the original's recipients), however many recipients, plus one for the edits of old copies.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
    union,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import Alert, AlertState
from domain.delivery.rules import RECEIVED, Kind, State, audience_of, is_urgent, priority_of
from storage.alert_models import UTCDateTime, alert, team_member
from storage.alert_queries import mark_delivery_planned
from storage.audience import admits, followers, resident
from storage.channels import plan_channel_rows
from storage.delivery_models import delivery
from storage.upsert import upsert

_VERIFIED = AlertState.VERIFIED.value
_WAITING = (State.PENDING.value, State.HELD.value)
_COLUMNS = [
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
class Plan:
    """What planning an alert inserted."""

    alert_id: int
    sends: int
    edits: int
    posts: int = 0  # channel posts (and edits of their earlier posts)


def quiet_now(
    start: ColumnElement[int], end: ColumnElement[int], minute: int
) -> ColumnElement[bool]:
    """SQL for "this local minute falls in the resident's quiet hours" (which may wrap midnight),
    the same rule as domain.preferences.QuietHours.contains."""
    return and_(
        start.is_not(None),
        end.is_not(None),
        or_(
            and_(start < end, start <= minute, end > minute),
            and_(start > end, or_(start <= minute, end > minute)),
        ),
    )


async def alert_id_of(session: AsyncSession, *, identifier: str) -> int | None:
    """The row id of an alert."""
    return await session.scalar(select(alert.c.id).where(alert.c.identifier == identifier))


async def plan_deliveries(
    session: AsyncSession,
    *,
    alert_: Alert,
    now: datetime,
    minute: int,
    admin_ids: Collection[int] = (),
    default_language: str = "en",
) -> Plan | None:
    """Plan an alert's fan-out: one row per chat, deduplicated across districts, filtered by
    each resident's kinds and minimum severity; held if the resident is in quiet hours now
    (`minute`, local) and the alert is not urgent. A correction also plans the edits of the
    copies of the original and skips the original's unsent rows. None if already planned."""
    if not await mark_delivery_planned(session, identifier=alert_.identifier, now=now):
        return None
    alert_id = await alert_id_of(session, identifier=alert_.identifier)
    assert alert_id is not None
    original_id = None
    if alert_.references is not None:
        original_id = await alert_id_of(session, identifier=alert_.references)
    audience = audience_of(alert_)
    # Channels first: their rows go before the private fan-out (priority, then row id).
    posts, post_edits = await plan_channel_rows(
        session, alert_id=alert_id, original_id=original_id, audience=audience, now=now
    )
    sources: list[Select[tuple[int, str, int | None, int | None]]] = []
    if audience.subscribers:
        sources.append(_subscribers(alert_id, alert_.kind.bit, int(alert_.content.severity)))
    if audience.team:
        sources.append(_team(admin_ids, default_language))
    if audience.original_recipients and original_id is not None:
        sources.append(_recipients(original_id))
    urgent, priority = is_urgent(alert_), int(priority_of(alert_))
    sends = 0
    if sources:
        found = union(*sources).subquery("found")
        # One row per chat even where sources disagree about a language (DISTINCT per chat).
        chats = (
            select(
                found.c.chat_id,
                func.min(found.c.language).label("language"),
                func.min(found.c.quiet_start).label("quiet_start"),
                func.min(found.c.quiet_end).label("quiet_end"),
            )
            .group_by(found.c.chat_id)
            .subquery("chats")
        )
        held = quiet_now(chats.c.quiet_start, chats.c.quiet_end, minute)
        state = (
            literal(State.PENDING.value)
            if urgent
            else case((held, State.HELD.value), else_=State.PENDING.value)
        )
        rows = select(
            literal(alert_id),
            chats.c.chat_id,
            literal(Kind.SEND.value),
            chats.c.language,
            state,
            literal(priority),
            literal(urgent),
            literal(0),
            literal(now, UTCDateTime()),
            literal(now, UTCDateTime()),
        ).where(true())  # SQLite needs a WHERE to parse INSERT … SELECT … ON CONFLICT
        result = await session.execute(upsert(session, delivery, rows, columns=_COLUMNS))
        sends = result.rowcount  # type: ignore[attr-defined]
    edits = 0
    if audience.edit_original and original_id is not None:
        edits = await _plan_edits(session, alert_id, original_id, priority, now)
        await session.execute(
            update(delivery)
            .where(delivery.c.alert_id == original_id, delivery.c.state.in_(_WAITING))
            .values(state=State.SKIPPED.value, last_error="superseded")
        )
    return Plan(alert_id, sends, edits, posts + post_edits)


def _subscribers(
    alert_id: int, kind_bit: int, severity: int
) -> Select[tuple[int, str, int | None, int | None]]:
    return select(
        resident.c.chat_id, resident.c.language, resident.c.quiet_start, resident.c.quiet_end
    ).where(
        resident.c.chat_id.in_(followers(alert_id)),
        admits(literal(kind_bit), literal(severity)),
    )


def _team(
    admin_ids: Collection[int], default_language: str
) -> Select[tuple[int, str, int | None, int | None]]:
    ids = union(
        select(team_member.c.user_id.label("chat_id")),
        *(select(literal(a, BigInteger).label("chat_id")) for a in sorted(admin_ids)),
    ).subquery("team")
    return (
        select(
            ids.c.chat_id,
            func.coalesce(resident.c.language, literal(default_language, String)).label("language"),
            resident.c.quiet_start,
            resident.c.quiet_end,
        )
        .select_from(ids.outerjoin(resident, resident.c.chat_id == ids.c.chat_id))
        .where(or_(resident.c.active.is_(None), resident.c.active.is_(True)))
    )


def _recipients(original_id: int) -> Select[tuple[int, str, int | None, int | None]]:
    # Team members without a resident row received team-only originals: keep them.
    return (
        select(
            delivery.c.chat_id,
            func.coalesce(resident.c.language, delivery.c.language).label("language"),
            resident.c.quiet_start,
            resident.c.quiet_end,
        )
        .select_from(delivery.outerjoin(resident, resident.c.chat_id == delivery.c.chat_id))
        .where(
            delivery.c.alert_id == original_id,
            delivery.c.kind == Kind.SEND.value,
            delivery.c.state.in_([s.value for s in RECEIVED]),
            or_(resident.c.active.is_(None), resident.c.active.is_(True)),
        )
    )


async def _plan_edits(
    session: AsyncSession, alert_id: int, original_id: int, priority: int, now: datetime
) -> int:
    # Editing a message is silent, so edits are never held by quiet hours ("urgent").
    rows = select(
        literal(alert_id),
        delivery.c.chat_id,
        literal(Kind.EDIT.value),
        delivery.c.language,
        literal(State.PENDING.value),
        literal(priority),
        literal(True),
        literal(0),
        literal(now, UTCDateTime()),
        literal(now, UTCDateTime()),
    ).where(
        delivery.c.alert_id == original_id,
        delivery.c.kind == Kind.SEND.value,
        delivery.c.state.in_([s.value for s in RECEIVED]),
    )
    result = await session.execute(upsert(session, delivery, rows, columns=_COLUMNS))
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- the inbox ----------------------------------------------------------------------------


async def list_due_unplanned(session: AsyncSession, *, now: datetime, limit: int = 20) -> list[str]:
    """Verified, unexpired, unplanned alerts whose effective time has come, oldest first."""
    rows = await session.scalars(
        select(alert.c.identifier)
        .where(
            alert.c.state == _VERIFIED,
            alert.c.delivery_planned_at.is_(None),
            alert.c.expires > now,
            alert.c.effective <= now,
        )
        .order_by(alert.c.verified_at, alert.c.id)
        .limit(limit)
    )
    return list(rows)


async def next_scheduled(session: AsyncSession, *, now: datetime) -> datetime | None:
    """When the next verified alert scheduled for later becomes effective."""
    upcoming: datetime | None = await session.scalar(
        select(func.min(alert.c.effective)).where(
            alert.c.state == _VERIFIED,
            alert.c.delivery_planned_at.is_(None),
            alert.c.expires > now,
            alert.c.effective > now,
        )
    )
    return upcoming


async def identifier_of(session: AsyncSession, *, alert_id: int) -> str | None:
    """The identifier (KB-…) of an alert row."""
    return await session.scalar(select(alert.c.identifier).where(alert.c.id == alert_id))
