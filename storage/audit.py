"""The audit log: named queries to record who did what and to read it back."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.alert_models import audit_log

Detail = Mapping[str, str | int | bool | None]


class AuditAction(enum.StrEnum):
    """What happened; the bot translates these codes."""

    DRAFTED = "drafted"
    EDITED = "edited"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    UPDATED = "updated"  # an alert was superseded by a verified update (detail: by_alert)
    CANCELLED = "cancelled"  # an alert was cancelled by a verified cancel (detail: by_alert)
    EXPIRED = "expired"
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    CHANNEL_LINKED = "channel_linked"  # target_user: the channel's id (detail: districts…)
    CHANNEL_UNLINKED = "channel_unlinked"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log; `actor_id` is None for the system (expiry ticks)."""

    id: int
    at: datetime
    actor_id: int | None
    action: AuditAction
    alert: str | None
    target_user: int | None
    detail: Mapping[str, Any]


async def record(
    session: AsyncSession,
    *,
    action: AuditAction,
    at: datetime,
    actor_id: int | None,
    alert: str | None = None,
    target_user: int | None = None,
    detail: Detail | None = None,
) -> None:
    """Append one entry; call it in the transaction that made the change."""
    await record_many(
        session,
        action=action,
        at=at,
        actor_id=actor_id,
        alerts=[alert],
        target_user=target_user,
        detail=detail,
    )


async def record_many(
    session: AsyncSession,
    *,
    action: AuditAction,
    at: datetime,
    actor_id: int | None,
    alerts: Iterable[str | None],
    target_user: int | None = None,
    detail: Detail | None = None,
) -> None:
    """Append the same entry for each of several alerts, in one statement."""
    values = [
        {
            "at": at,
            "actor_id": actor_id,
            "action": action.value,
            "alert_identifier": identifier,
            "target_user": target_user,
            "detail": dict(detail) if detail else None,
        }
        for identifier in alerts
    ]
    if values:
        await session.execute(insert(audit_log), values)


async def list_audit(
    session: AsyncSession,
    *,
    limit: int = 50,
    before_id: int | None = None,
    actor: int | None = None,
    alert: str | None = None,
) -> list[AuditEntry]:
    """The newest entries first; pass the last id seen as `before_id` for the next page."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    if actor is not None:
        query = query.where(audit_log.c.actor_id == actor)
    if alert is not None:
        query = query.where(audit_log.c.alert_identifier == alert)
    rows = await session.execute(query)
    return [_entry(row) for row in rows]


async def export_audit_rows(
    session: AsyncSession, *, after_id: int = 0, limit: int = 1000
) -> list[dict[str, Any]]:
    """Entries oldest first as plain JSON-ready dicts (ISO 8601 times), for the API and CSV."""
    rows = await session.execute(
        select(audit_log).where(audit_log.c.id > after_id).order_by(audit_log.c.id).limit(limit)
    )
    return [
        {
            "id": entry.id,
            "at": entry.at.isoformat(),
            "actor_id": entry.actor_id,
            "action": entry.action.value,
            "alert": entry.alert,
            "target_user": entry.target_user,
            "detail": dict(entry.detail),
        }
        for entry in map(_entry, rows)
    ]


def _entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor_id=row.actor_id,
        action=AuditAction(row.action),
        alert=row.alert_identifier,
        target_user=row.target_user,
        detail=row.detail or {},
    )
