"""Named queries about alerts: drafting, two-person verification, corrections, expiry, hand-off.

Every change is a conditional UPDATE, so a double tap or two operators acting at once change
an alert once and the other request gets an Outcome, not an exception. Each change records
its audit entry in the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain import alerts as rules
from domain.alerts import Alert, AlertContent, AlertState, Changes, MsgType, Outcome
from domain.gazetteer import Gazetteer
from domain.preferences import AlertKind
from storage.alert_models import (
    alert,
    alert_counter,
    alert_district,
    alert_text,
    child_rows,
    content_values,
    load_alerts,
)
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


# --- creating ------------------------------------------------------------------------------


async def allocate_identifier(session: AsyncSession, *, now: datetime) -> str:
    """The next KB-YYYY-NNNN. One upsert of the year's counter: its row lock (PostgreSQL) or the
    write lock (SQLite) makes concurrent drafts wait for each other's commit, so a number is
    never handed out twice; a rolled-back draft leaves a gap."""
    year = rules.identifier_year(now)
    bump = {"last_number": alert_counter.c.last_number + 1}
    if session.get_bind().dialect.name == "postgresql":
        pg = pg_insert(alert_counter).values(year=year, last_number=1)
        statement = pg.on_conflict_do_update(index_elements=["year"], set_=bump)
    else:
        lite = sqlite_insert(alert_counter).values(year=year, last_number=1)
        statement = lite.on_conflict_do_update(index_elements=["year"], set_=bump)  # type: ignore[assignment]
    number = await session.scalar(statement.returning(alert_counter.c.last_number))
    assert number is not None
    return rules.format_identifier(year, number)


async def create_draft(
    session: AsyncSession,
    *,
    content: AlertContent,
    by: int,
    gazetteer: Gazetteer,
    now: datetime | None = None,
) -> Alert:
    """Store a new alert as its author's draft; InvalidAlert lists what is wrong with it."""
    now = _now(now)
    _check(content, gazetteer, now)
    identifier = await allocate_identifier(session, now=now)
    draft = rules.new_alert(content, identifier=identifier, by=by, at=now)
    await _insert(session, draft)
    await record(session, action=AuditAction.DRAFTED, at=now, actor_id=by, alert=identifier)
    return draft


async def edit_draft(
    session: AsyncSession,
    *,
    identifier: str,
    by: int,
    content: AlertContent,
    gazetteer: Gazetteer,
    now: datetime | None = None,
) -> Alert:
    """Replace the content of the author's own draft. Once submitted an alert never changes:
    raises AlertImmutable (TransitionRefused(NOT_AUTHOR) for someone else's draft)."""
    now = _now(now)
    edited = rules.edit(await _get_or_refuse(session, identifier), by=by, content=content)
    _check(content, gazetteer, now)
    # The state guard lets a racing submit win: what the verifier reads is what was submitted.
    alert_id = await session.scalar(
        update(alert)
        .where(_is(identifier, AlertState.DRAFT), alert.c.author_id == by)
        .values(content_values(content))
        .returning(alert.c.id)
    )
    if alert_id is None:
        rules.edit(await _get_or_refuse(session, identifier), by=by, content=content)
        raise AssertionError("unreachable: the draft moved on, so edit() refuses")
    await session.execute(delete(alert_text).where(alert_text.c.alert_id == alert_id))
    await session.execute(delete(alert_district).where(alert_district.c.alert_id == alert_id))
    await _insert_children(session, alert_id, content)
    await record(session, action=AuditAction.EDITED, at=now, actor_id=by, alert=identifier)
    return edited


async def create_update(
    session: AsyncSession,
    *,
    original: str,
    by: int,
    changes: Changes,
    gazetteer: Gazetteer,
    now: datetime | None = None,
) -> Alert:
    """A draft update of a live alert, verified like any alert; once verified it supersedes the
    original. Raises TransitionRefused(ORIGINAL_NOT_ACTIVE) or InvalidAlert."""
    now = _now(now)
    source = await _get_or_refuse(session, original)
    # A dry run refuses and validates before a number is spent.
    trial = rules.create_update(source, identifier="", by=by, changes=changes, at=now)
    _check(trial.content, gazetteer, now)
    identifier = await allocate_identifier(session, now=now)
    draft = rules.create_update(source, identifier=identifier, by=by, changes=changes, at=now)
    await _insert(session, draft)
    detail = {"msg_type": MsgType.UPDATE.value, "references": original}
    await record(
        session, action=AuditAction.DRAFTED, at=now, actor_id=by, alert=identifier, detail=detail
    )
    return draft


async def create_cancel(
    session: AsyncSession, *, original: str, by: int, reason: str, now: datetime | None = None
) -> Alert:
    """A cancel of a live alert, pending at once. If a cancel of it is already waiting (a double
    tap, or a quicker colleague) that one is returned instead of a second."""
    now = _now(now)
    source = await _get_or_refuse(session, original)
    rules.create_cancel(source, identifier="", by=by, reason=reason, at=now)
    waiting = await load_alerts(
        session,
        alert.c.refers_to == original,
        alert.c.msg_type == MsgType.CANCEL.value,
        alert.c.state == _PENDING,
    )
    if waiting:
        return waiting[0]
    identifier = await allocate_identifier(session, now=now)
    cancel = rules.create_cancel(source, identifier=identifier, by=by, reason=reason, at=now)
    await _insert(session, cancel)
    detail = {"msg_type": MsgType.CANCEL.value, "references": original, "reason": cancel.note}
    await record(
        session, action=AuditAction.DRAFTED, at=now, actor_id=by, alert=identifier, detail=detail
    )
    await record(session, action=AuditAction.SUBMITTED, at=now, actor_id=by, alert=identifier)
    return cancel


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


# --- reading and hand-off ------------------------------------------------------------------


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


# --- plumbing ------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _check(content: AlertContent, gazetteer: Gazetteer, now: datetime) -> None:
    if problems := rules.validate_draft(content, gazetteer=gazetteer, now=now):
        raise rules.InvalidAlert(problems)


def _is(identifier: str, state: AlertState) -> ColumnElement[bool]:
    return (alert.c.identifier == identifier) & (alert.c.state == state.value)


async def _get_or_refuse(session: AsyncSession, identifier: str) -> Alert:
    found = await get_alert(session, identifier=identifier)
    if found is None:
        raise rules.TransitionRefused(Outcome.NOT_FOUND)
    return found


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


async def _insert(session: AsyncSession, new: Alert) -> None:
    alert_id = await session.scalar(
        insert(alert)
        .values(
            identifier=new.identifier,
            msg_type=new.msg_type.value,
            refers_to=new.references,
            note=new.note,
            state=new.state.value,
            author_id=new.author_id,
            created_at=new.created_at,
            submitted_at=new.submitted_at,
            **content_values(new.content),
        )
        .returning(alert.c.id)
    )
    assert alert_id is not None
    await _insert_children(session, alert_id, new.content)


async def _insert_children(session: AsyncSession, alert_id: int, content: AlertContent) -> None:
    texts, districts = child_rows(alert_id, content)
    await session.execute(insert(alert_text), texts)
    await session.execute(insert(alert_district), districts)
