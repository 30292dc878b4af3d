"""Named queries for an operator's open flow (drafting wizard, rejection reason)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.session_models import OperatorSessionRow
from storage.upsert import upsert

session_table = OperatorSessionRow.__table__  # type: ignore[attr-defined]
# A flow left alone this long is abandoned: nobody should find a half-written alert days later.
SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Flow:
    """Where a team member is: which flow, the step it waits at, and the fields so far."""

    name: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


async def get_flow(
    session: AsyncSession, *, user_id: int, now: datetime | None = None
) -> Flow | None:
    """The user's open flow, unless it has gone stale."""
    row = (
        await session.execute(select(session_table).where(session_table.c.user_id == user_id))
    ).first()
    if row is None:
        return None
    updated = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
    if (now or datetime.now(UTC)) - updated > SESSION_LIFETIME:
        return None
    return Flow(row.flow, row.step, dict(row.data or {}))


async def save_flow(
    session: AsyncSession, *, user_id: int, flow: Flow, now: datetime | None = None
) -> None:
    """Store (or replace) the user's open flow."""
    values = {
        "user_id": user_id,
        "flow": flow.name,
        "step": flow.step,
        "data": flow.data,
        "updated_at": now or datetime.now(UTC),
    }
    replaced = ("flow", "step", "data", "updated_at")
    await session.execute(upsert(session, session_table, values, keys=["user_id"], update=replaced))


async def clear_flow(session: AsyncSession, *, user_id: int) -> bool:
    """Close the user's open flow; returns whether there was one."""
    result = await session.execute(delete(session_table).where(session_table.c.user_id == user_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]
