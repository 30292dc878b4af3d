"""Times round-trip as aware UTC datetimes on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import StatementError

from storage.alert_models import team_member
from storage.db import Database

KARACHI = timezone(timedelta(hours=5))


async def test_aware_times_come_back_aware_and_in_utc(database: Database) -> None:
    moment = datetime(2026, 3, 1, 13, 30, 15, 123456, tzinfo=KARACHI)
    async with database.transaction() as session:
        await session.execute(
            insert(team_member).values(user_id=1, role="staff", granted_by=2, granted_at=moment)
        )
    async with database.transaction() as session:
        stored = await session.scalar(select(team_member.c.granted_at))
    assert stored == moment
    assert stored is not None and stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)


async def test_comparisons_use_the_instant_not_the_wall_clock(database: Database) -> None:
    early = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    async with database.transaction() as session:
        await session.execute(
            insert(team_member).values(user_id=1, role="staff", granted_by=2, granted_at=early)
        )
        # 12:00 in Karachi is 07:00 UTC: before `early`, though its wall clock is later.
        noon_karachi = datetime(2026, 3, 1, 12, 0, tzinfo=KARACHI)
        found = await session.scalar(
            select(team_member.c.user_id).where(team_member.c.granted_at > noon_karachi)
        )
    assert found == 1


async def test_naive_times_are_refused(database: Database) -> None:
    async with database.transaction() as session:
        with pytest.raises(StatementError):
            await session.execute(
                insert(team_member).values(
                    user_id=1, role="staff", granted_by=2, granted_at=datetime(2026, 3, 1)
                )
            )
