"""Named queries that create alerts: drafts, and the updates and cancels that correct
a live alert. Each records its audit entry in the caller's transaction; nothing here
commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain import alerts as rules
from domain.alerts import Alert, AlertContent, AlertState, Changes, MsgType, Outcome
from domain.gazetteer import Gazetteer
from storage.alert_models import alert, alert_counter, alert_district, alert_text
from storage.alert_queries import get_alert
from storage.alert_rows import child_rows, content_values, load_alerts
from storage.alerts import _check, _now
from storage.audit import AuditAction, record
from storage.upsert import upsert

_PENDING = AlertState.PENDING.value


async def allocate_identifier(session: AsyncSession, *, now: datetime) -> str:
    """The next KB-YYYY-NNNN. One upsert of the year's counter: its row lock (PostgreSQL) or the
    write lock (SQLite) makes concurrent drafts wait for each other's commit, so a number is
    never handed out twice; a rolled-back draft leaves a gap."""
    year = rules.identifier_year(now)
    bump = {"last_number": alert_counter.c.last_number + 1}
    statement = upsert(
        session, alert_counter, {"year": year, "last_number": 1}, keys=["year"], update=bump
    )
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


# --- plumbing ------------------------------------------------------------------------------


async def _get_or_refuse(session: AsyncSession, identifier: str) -> Alert:
    found = await get_alert(session, identifier=identifier)
    if found is None:
        raise rules.TransitionRefused(Outcome.NOT_FOUND)
    return found


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
