"""Named read-only queries for status summaries, the HTTP API, CAP feeds and metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, column, func, inspect, or_, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import ColumnClause

from domain.alerts import Alert, AlertKind, AlertState, MsgType, Status
from storage.alert_models import alert, alert_district
from storage.alert_rows import load_alerts

_VERIFIED = AlertState.VERIFIED.value
# The delivery engine owns its table; these are the column names it may use for an outcome.
_DELIVERY_TABLE = "delivery"
_OUTCOME_COLUMNS = ("outcome", "state", "status")


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """What the API asks for; None means any. `since`/`until` bound when it was sent."""

    district: str | None = None
    kind: AlertKind | None = None
    state: AlertState | None = None
    status: Status | None = None
    active_at: datetime | None = None  # only alerts live at this moment
    since: datetime | None = None
    until: datetime | None = None


def sent_at() -> ColumnElement[Any]:
    """When an alert went out (CAP `sent`): verified, else submitted, else drafted."""
    return func.coalesce(alert.c.verified_at, alert.c.submitted_at, alert.c.created_at)


async def list_published_since(session: AsyncSession, *, since: datetime) -> list[Alert]:
    """Real, public alerts verified since then, and any still active from before."""
    return await load_alerts(
        session,
        alert.c.verified_at.is_not(None),
        alert.c.status == Status.ACTUAL.value,
        alert.c.restricted_to_team.is_(False),
        or_(
            alert.c.verified_at >= since, and_(alert.c.state == _VERIFIED, alert.c.expires > since)
        ),
        order=[alert.c.verified_at.desc(), alert.c.id.desc()],
    )


async def list_published(
    session: AsyncSession, *, district: str | None = None, limit: int = 50
) -> list[Alert]:
    """The newest published alerts, updates and cancels (for CAP feeds), newest first."""
    where = [
        alert.c.verified_at.is_not(None),
        alert.c.status == Status.ACTUAL.value,
        alert.c.restricted_to_team.is_(False),
    ]
    if district is not None:
        where.append(_in_district(district))
    return await load_alerts(
        session, *where, order=[alert.c.verified_at.desc(), alert.c.id.desc()], limit=limit
    )


async def search_alerts(
    session: AsyncSession, *, where: AlertFilter, limit: int = 100, offset: int = 0
) -> list[Alert]:
    """Submitted alerts matching the filter, newest sent first. Drafts are an author's own
    unfinished work and never leave the bot."""
    conditions = [alert.c.state != AlertState.DRAFT.value]
    if where.district is not None:
        conditions.append(_in_district(where.district))
    if where.kind is not None:
        conditions.append(alert.c.kind == where.kind.value)
    if where.state is not None:
        conditions.append(alert.c.state == where.state.value)
    if where.status is not None:
        conditions.append(alert.c.status == where.status.value)
    if where.active_at is not None:
        conditions += [
            alert.c.state == _VERIFIED,
            alert.c.expires > where.active_at,
            alert.c.msg_type != MsgType.CANCEL.value,
        ]
    if where.since is not None:
        conditions.append(sent_at() >= where.since)
    if where.until is not None:
        conditions.append(sent_at() < where.until)
    return await load_alerts(
        session,
        *conditions,
        order=[sent_at().desc(), alert.c.id.desc()],
        limit=limit,
        offset=offset,
    )


async def count_alerts_by_state(session: AsyncSession) -> dict[str, int]:
    """How many alerts are in each lifecycle state."""
    rows = await session.execute(select(alert.c.state, func.count()).group_by(alert.c.state))
    return {state: count for state, count in rows.all()}


async def count_deliveries_by_outcome(session: AsyncSession) -> dict[str, int] | None:
    """Deliveries grouped by outcome, from the delivery engine's table; None until it exists."""

    def columns(connection: Connection) -> list[str] | None:
        inspector = inspect(connection)
        if not inspector.has_table(_DELIVERY_TABLE):
            return None
        return [c["name"] for c in inspector.get_columns(_DELIVERY_TABLE)]

    connection = await session.connection()
    names = await connection.run_sync(columns)
    outcome = next((n for n in _OUTCOME_COLUMNS if names and n in names), None)
    if outcome is None:
        return None
    # Reflected by name only: the engine's table is not imported, so this works before it exists.
    value: ColumnClause[Any] = column(outcome)
    query = select(value, func.count()).select_from(table(_DELIVERY_TABLE)).group_by(value)
    rows = await session.execute(query)
    return {str(key): count for key, count in rows.all()}


def _in_district(district: str) -> ColumnElement[bool]:
    return alert.c.id.in_(
        select(alert_district.c.alert_id).where(alert_district.c.district == district)
    )
