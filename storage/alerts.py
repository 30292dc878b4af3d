"""Named queries that decide alerts: submission, two-person verification, rejection, expiry.

Every change is a conditional UPDATE, so a double tap or two operators acting at once change
an alert once and the other request gets an Outcome, not an exception. Each change records
its audit entry in the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import alerts as rules
from domain.alerts import Alert, AlertContent, AlertState, MsgType, Outcome
from domain.gazetteer import Gazetteer
from storage.alert_models import alert
from storage.alert_queries import get_alert
from storage.audit import AuditAction, record, record_many

_PENDING, _VERIFIED = AlertState.PENDING.value, AlertState.VERIFIED.value


@dataclass(frozen=True, slots=True)
class TransitionResult:
    """What became of a request, and the alert as it now stands (None if there is none)."""

    outcome: Outcome
    alert: Alert | None

    @property
    def done(self) -> bool:
        """Whether this request changed the alert."""
        return self.outcome is Outcome.DONE


# --- deciding ------------------------------------------------------------------------------


async def submit_alert(
    session: AsyncSession,
    *,
    identifier: str,
    by: int,
    gazetteer: Gazetteer,
    now: datetime | None = None,
) -> TransitionResult:
    """Send the author's draft for verification. It is checked again first (its expiry may have
    passed while it waited): raises InvalidAlert."""
    now = _now(now)
    current = await get_alert(session, identifier=identifier)
    if current is not None and current.state is AlertState.DRAFT:
        _check(current.content, gazetteer, now)
    result = await _decide(
        session,
        identifier,
        lambda a: rules.submit(a, by=by, at=now),
        guard=[alert.c.state == AlertState.DRAFT.value, alert.c.author_id == by],
        values={"state": _PENDING, "submitted_at": now},
    )
    if result.done:
        await record(session, action=AuditAction.SUBMITTED, at=now, actor_id=by, alert=identifier)
    return result


async def verify_alert(
    session: AsyncSession, *, identifier: str, by: int, now: datetime | None = None
) -> TransitionResult:
    """Approve someone else's pending alert. A verified update or cancel closes its original in
    the same transaction; if the original is no longer live, nothing changes."""
    now = _now(now)
    current = await get_alert(session, identifier=identifier)
    if current is not None and current.references is not None:
        try:
            # Refusals of the correction itself (a double tap, its own author) come first.
            rules.verify(current, by=by, at=now)
        except rules.TransitionRefused as refused:
            return TransitionResult(refused.outcome, current)
        original = await get_alert(session, identifier=current.references)
        if original is None or original.state is not AlertState.VERIFIED:
            return TransitionResult(Outcome.ORIGINAL_NOT_ACTIVE, current)
    result = await _decide(
        session,
        identifier,
        lambda a: rules.verify(a, by=by, at=now),
        guard=[alert.c.state == _PENDING, alert.c.author_id != by, alert.c.expires > now],
        values={"state": _VERIFIED, "verified_by": by, "verified_at": now},
    )
    verified = result.alert
    if not result.done or verified is None:
        return result
    if verified.references is not None and not await _close_original(session, verified, now):
        # Another correction or expiry closed the original since we looked: undo our approval,
        # which no other transaction has seen.
        await session.execute(
            update(alert)
            .where(alert.c.identifier == identifier)
            .values(state=_PENDING, verified_by=None, verified_at=None)
        )
        return TransitionResult(Outcome.ORIGINAL_NOT_ACTIVE, current)
    await record(session, action=AuditAction.APPROVED, at=now, actor_id=by, alert=identifier)
    if verified.references is not None:
        is_update = verified.msg_type is MsgType.UPDATE
        await record(
            session,
            action=AuditAction.UPDATED if is_update else AuditAction.CANCELLED,
            at=now,
            actor_id=by,
            alert=verified.references,
            detail={"by_alert": identifier},
        )
    return result


async def reject_alert(
    session: AsyncSession, *, identifier: str, by: int, reason: str, now: datetime | None = None
) -> TransitionResult:
    """Turn down a pending alert with a reason (InvalidAlert if it is empty or too long)."""
    now = _now(now)
    if problems := rules.validate_reason(reason):
        raise rules.InvalidAlert(problems)
    reason = reason.strip()
    result = await _decide(
        session,
        identifier,
        lambda a: rules.reject(a, by=by, at=now, reason=reason),
        guard=[alert.c.state == _PENDING],
        values={
            "state": AlertState.REJECTED.value,
            "rejected_by": by,
            "rejected_at": now,
            "rejection_reason": reason,
        },
    )
    if result.done:
        await record(
            session,
            action=AuditAction.REJECTED,
            at=now,
            actor_id=by,
            alert=identifier,
            detail={"reason": reason},
        )
    return result


async def expire_due(session: AsyncSession, *, now: datetime) -> list[str]:
    """Expire every verified alert whose time is up, in one statement; returns their
    identifiers. Running it again expires nothing more."""
    rows = await session.execute(
        update(alert)
        .where(alert.c.state == _VERIFIED, alert.c.expires <= now)
        .values(state=AlertState.EXPIRED.value, closed_at=now)
        .returning(alert.c.identifier)
    )
    expired = sorted(rows.scalars())
    await record_many(session, action=AuditAction.EXPIRED, at=now, actor_id=None, alerts=expired)
    return expired


# --- plumbing ------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _check(content: AlertContent, gazetteer: Gazetteer, now: datetime) -> None:
    if problems := rules.validate_draft(content, gazetteer=gazetteer, now=now):
        raise rules.InvalidAlert(problems)


def _is(identifier: str, state: AlertState) -> ColumnElement[bool]:
    return (alert.c.identifier == identifier) & (alert.c.state == state.value)


async def _decide(
    session: AsyncSession,
    identifier: str,
    transition: Callable[[Alert], Alert],
    *,
    guard: Sequence[ColumnElement[bool]],
    values: dict[str, Any],
) -> TransitionResult:
    """Apply a domain transition as one conditional UPDATE. The domain decides; the guard
    repeats its rule in SQL so that of two racing requests exactly one changes the row."""
    for _attempt in range(2):
        current = await get_alert(session, identifier=identifier)
        if current is None:
            return TransitionResult(Outcome.NOT_FOUND, None)
        try:
            changed = transition(current)
        except rules.TransitionRefused as refused:
            return TransitionResult(refused.outcome, current)
        hit = await session.scalar(
            update(alert)
            .where(alert.c.identifier == identifier, *guard)
            .values(values)
            .returning(alert.c.id)
        )
        if hit is not None:
            return TransitionResult(Outcome.DONE, changed)
        # Lost a race: on the second look the domain says what the winner did.
    raise RuntimeError(f"{identifier} keeps changing state")


async def _close_original(session: AsyncSession, correction: Alert, now: datetime) -> bool:
    """Mark the original of a just-verified update or cancel superseded or cancelled."""
    assert correction.references is not None
    is_update = correction.msg_type is MsgType.UPDATE
    closed = AlertState.SUPERSEDED if is_update else AlertState.CANCELLED
    hit = await session.scalar(
        update(alert)
        .where(_is(correction.references, AlertState.VERIFIED))
        .values(
            state=closed.value,
            closed_at=now,
            closed_by=correction.verified_by,
            closed_by_alert=correction.identifier,
        )
        .returning(alert.c.id)
    )
    return hit is not None
