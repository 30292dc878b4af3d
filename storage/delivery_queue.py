"""Named queries of the delivery queue: claims and their leases, and outcomes; the caller commits.

Claiming takes leases: on PostgreSQL with FOR UPDATE SKIP LOCKED, so several workers share the
queue; SQLite serialises writers, so there one worker claims at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    exists,
    func,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import AlertState
from domain.delivery.rules import Kind, State, Transport, kinds_of
from storage.alert_models import UTCDateTime, alert
from storage.audience import withdraw_claimed
from storage.delivery_models import delivery

_VERIFIED = AlertState.VERIFIED.value
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


async def renew_leases(
    session: AsyncSession, *, owner: str, ids: Collection[int], until: datetime
) -> int:
    """Extend the leases of the rows this worker still has in hand (its heartbeat).

    Only those: a row it claimed but no longer holds (a claim whose commit failed after the
    database had made it, a job dropped while the database was away) must run out and go
    back to the queue, not be kept claimed for as long as the process lives.
    """
    if not ids:
        return 0
    result = await session.execute(
        update(delivery)
        .where(
            delivery.c.id.in_(list(ids)),
            delivery.c.lease_owner == owner,
            delivery.c.state == State.CLAIMED.value,
        )
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
