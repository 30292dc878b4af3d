"""The audit log: paging, filters and plain export rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import storage.alert_models  # noqa: F401  (registers the tables, so the fixture clears them)
from storage.audit import AuditAction, export_audit_rows, list_audit, record, record_many
from storage.db import Database

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def test_paging_and_filters(database: Database) -> None:
    async with database.transaction() as session:
        for n in range(5):
            await record(
                session,
                action=AuditAction.DRAFTED,
                at=NOW + timedelta(minutes=n),
                actor_id=1 + n % 2,
                alert=f"KB-2026-000{n + 1}",
            )
        first = await list_audit(session, limit=2)
        second = await list_audit(session, limit=2, before_id=first[-1].id)
        everything = await list_audit(session, limit=10)
        by_actor = await list_audit(session, limit=10, actor=2)
        by_alert = await list_audit(session, limit=10, alert="KB-2026-0003")
    assert [e.alert for e in first + second] == [
        "KB-2026-0005",
        "KB-2026-0004",
        "KB-2026-0003",
        "KB-2026-0002",
    ]
    assert len(everything) == 5 and everything[0].at == NOW + timedelta(minutes=4)
    assert [e.alert for e in by_actor] == ["KB-2026-0004", "KB-2026-0002"]
    assert [(e.alert, e.actor_id) for e in by_alert] == [("KB-2026-0003", 1)]


async def test_export_rows_are_plain_and_oldest_first(database: Database) -> None:
    async with database.transaction() as session:
        await record_many(
            session,
            action=AuditAction.EXPIRED,
            at=NOW,
            actor_id=None,
            alerts=["KB-2026-0001", "KB-2026-0002"],
        )
        await record(
            session,
            action=AuditAction.ROLE_GRANTED,
            at=NOW,
            actor_id=9,
            target_user=5,
            detail={"role": "staff", "previous": None},
        )
        rows = await export_audit_rows(session)
        rest = await export_audit_rows(session, after_id=rows[1]["id"])
    assert [r["action"] for r in rows] == ["expired", "expired", "role_granted"]
    assert rows[2] == {
        "id": rows[2]["id"],
        "at": "2026-03-01T08:00:00+00:00",
        "actor_id": 9,
        "action": "role_granted",
        "alert": None,
        "target_user": 5,
        "detail": {"role": "staff", "previous": None},
    }
    assert rest == rows[2:]
    json.dumps(rows)  # plain values only
