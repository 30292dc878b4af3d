"""Named queries of the delivery queue: leases, outcomes and housekeeping; the caller commits.

Claiming takes leases: on PostgreSQL with FOR UPDATE SKIP LOCKED, so several workers share the
queue; SQLite serialises writers, so there one worker claims at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import AlertState
from domain.delivery.rules import Kind, State, Transport, kinds_of
from storage.alert_models import UTCDateTime, alert
from storage.audience import corridor, resident, subscription, withdraw_claimed
from storage.deliveries import quiet_now
from storage.delivery_models import delivery
from storage.upsert import upsert

_VERIFIED = AlertState.VERIFIED.value
_WAITING = (State.PENDING.value, State.HELD.value)
# The advisory lock claims take turns on when the per-chat spacing spans several workers.
LOCK_CLAIM = 4_404_005
ChatGaps = tuple[timedelta, timedelta]  # minimum gap between bulk messages: private, group


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery row a worker now holds under its lease."""

    id: int
    alert_id: int
    chat_id: int
    kind: Kind
    language: str
    attempts: int
    priority: int


# --- claiming and recording ---------------------------------------------------------------


async def claim_batch(
    session: AsyncSession,
    *,
    owner: str,
    now: datetime,
    lease_until: datetime,
    limit: int,
    chat_gaps: ChatGaps | None = None,
    transport: Transport = Transport.TELEGRAM,
) -> list[Claimed]:
    """Lease up to `limit` due rows of live alerts that this transport sends, most urgent
    first. Rows other workers hold are skipped, not waited for (PostgreSQL); an alert that
    closed is never claimed, and a row its chat's choices now exclude is withdrawn instead
    (storage.audience).

    With `chat_gaps` (several workers), a chat's row is claimed only while no worker holds
    another row of that chat and none was sent to it within its gap, so the per-chat spacing
    holds across processes; claims then take turns (an advisory lock), or two could each
    take one row of the same chat at once.
    """
    if chat_gaps is not None:
        await session.execute(select(func.pg_advisory_xact_lock(LOCK_CLAIM)))
        # The lease counts from when this claim could go ahead, not from before its turn.
        waited = max(datetime.now(UTC) - now, timedelta(0))
        now, lease_until = now + waited, lease_until + waited
    while True:
        claimed = await _lease(
            session,
            owner=owner,
            now=now,
            lease_until=lease_until,
            limit=limit,
            chat_gaps=chat_gaps,
            transport=transport,
        )
        # What the resident chose since the row was planned (or released) still counts.
        withdrawn = await withdraw_claimed(session, ids=[c.id for c in claimed])
        wanted = [c for c in claimed if c.id not in withdrawn]
        # A batch that was all withdrawn is not an empty queue: the sender would idle on it.
        if wanted or not claimed:
            return sorted(wanted, key=lambda c: (c.priority, c.id))


async def _lease(
    session: AsyncSession,
    *,
    owner: str,
    now: datetime,
    lease_until: datetime,
    limit: int,
    chat_gaps: ChatGaps | None,
    transport: Transport,
) -> list[Claimed]:
    live = select(alert.c.id).where(alert.c.state == _VERIFIED, alert.c.expires > now)
    due = [
        delivery.c.state == State.PENDING.value,
        delivery.c.kind.in_([k.value for k in kinds_of(transport)]),
        delivery.c.next_attempt_at <= now,
        delivery.c.alert_id.in_(live),
    ]
    if chat_gaps is not None:
        due.append(not_(exists().where(_chat_busy(now, chat_gaps))))
    pick = (
        select(delivery.c.id)
        .where(*due)
        .order_by(delivery.c.priority, delivery.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    result = await session.execute(
        update(delivery)
        .where(delivery.c.id.in_(pick.scalar_subquery()))
        .values(
            state=State.CLAIMED.value,
            lease_owner=owner,
            lease_until=lease_until,
            attempts=delivery.c.attempts + 1,
        )
        .returning(
            delivery.c.id,
            delivery.c.alert_id,
            delivery.c.chat_id,
            delivery.c.kind,
            delivery.c.language,
            delivery.c.attempts,
            delivery.c.priority,
        )
    )
    return [
        Claimed(r.id, r.alert_id, r.chat_id, Kind(r.kind), r.language, r.attempts, r.priority)
        for r in result
    ]


def _chat_busy(now: datetime, gaps: ChatGaps) -> ColumnElement[bool]:
    """Another row of the candidate's chat is held by a worker or was sent within the gap."""
    other = delivery.alias("other")
    private, group = gaps
    since = case((delivery.c.chat_id < 0, now - group), else_=now - private)
    return and_(
        other.c.chat_id == delivery.c.chat_id,
        or_(other.c.state == State.CLAIMED.value, other.c.sent_at > since),
    )


async def renew_leases(session: AsyncSession, *, owner: str, until: datetime) -> int:
    """Extend every lease this worker holds (its heartbeat)."""
    result = await session.execute(
        update(delivery)
        .where(delivery.c.lease_owner == owner, delivery.c.state == State.CLAIMED.value)
        .values(lease_until=until)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def recover_expired_leases(session: AsyncSession, *, now: datetime) -> int:
    """Put rows whose worker stopped renewing (it crashed) back in the queue."""
    result = await session.execute(
        update(delivery)
        .where(delivery.c.state == State.CLAIMED.value, delivery.c.lease_until < now)
        .values(state=State.PENDING.value, lease_owner=None, lease_until=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def release_claims(session: AsyncSession, *, owner: str | None = None) -> int:
    """Hand back unsent claimed rows (a worker stopping; all of them when owner is None, which
    only the single SQLite worker does on start-up). Their claim does not count as an attempt."""
    where = [delivery.c.state == State.CLAIMED.value]
    if owner is not None:
        where.append(delivery.c.lease_owner == owner)
    result = await session.execute(
        update(delivery)
        .where(*where)
        .values(
            state=State.PENDING.value,
            lease_owner=None,
            lease_until=None,
            attempts=func.max(delivery.c.attempts - 1, 0)
            if session.get_bind().dialect.name == "sqlite"
            else func.greatest(delivery.c.attempts - 1, 0),
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def record_sent(
    session: AsyncSession, *, sent: Sequence[tuple[int, int | None]], now: datetime
) -> None:
    """Mark rows sent with their Telegram message ids (executemany: one round trip)."""
    if not sent:
        return
    await session.execute(
        update(delivery)
        .where(delivery.c.id == bindparam("row_id"))
        .values(
            state=State.SENT.value,
            message_id=bindparam("mid"),
            sent_at=now,
            lease_owner=None,
            lease_until=None,
            last_error=None,
        ),
        [{"row_id": row_id, "mid": message_id} for row_id, message_id in sent],
    )


async def record_retries(
    session: AsyncSession,
    *,
    owner: str,
    retries: Sequence[tuple[int, datetime, str, bool]],
) -> None:
    """Put failed rows back in the queue: (id, not before, error, refund the attempt)."""
    if not retries:
        return
    await session.execute(
        update(delivery)
        .where(
            delivery.c.id == bindparam("row_id"),
            delivery.c.lease_owner == owner,
            delivery.c.state == State.CLAIMED.value,
        )
        .values(
            state=State.PENDING.value,
            next_attempt_at=bindparam("at", type_=UTCDateTime()),
            last_error=bindparam("error"),
            attempts=delivery.c.attempts - bindparam("refund"),
            lease_owner=None,
            lease_until=None,
        ),
        [
            {"row_id": i, "at": at, "error": error[:200], "refund": int(refund)}
            for i, at, error, refund in retries
        ],
    )


async def record_final(
    session: AsyncSession, *, owner: str, finals: Sequence[tuple[int, State, str]]
) -> None:
    """Close rows that will never be sent: (id, failed/blocked/skipped, reason)."""
    if not finals:
        return
    await session.execute(
        update(delivery)
        .where(delivery.c.id == bindparam("row_id"), delivery.c.lease_owner == owner)
        .values(
            state=bindparam("final"),
            last_error=bindparam("error"),
            lease_owner=None,
            lease_until=None,
        ),
        [{"row_id": i, "final": state.value, "error": error[:200]} for i, state, error in finals],
    )


async def copies_of(
    session: AsyncSession,
    *,
    alert_id: int,
    chat_ids: Collection[int],
    kind: Kind = Kind.SEND,
) -> dict[int, tuple[State, int | None]]:
    """Where an alert's copies (rows of this kind) in these chats stand: state and message id."""
    rows = await session.execute(
        select(delivery.c.chat_id, delivery.c.state, delivery.c.message_id).where(
            delivery.c.alert_id == alert_id,
            delivery.c.kind == kind.value,
            delivery.c.chat_id.in_(list(chat_ids)),
        )
    )
    return {chat: (State(state), message) for chat, state, message in rows}


# --- housekeeping ticks -------------------------------------------------------------------


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
    await session.execute(
        update(delivery)
        .where(
            delivery.c.chat_id == old,
            delivery.c.state.in_([*_WAITING, State.CLAIMED.value]),
            delivery.c.alert_id.not_in(taken),
        )
        .values(chat_id=new)
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
