"""Read-only transactions: they see committed rows and never wait for a writer."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import DBAPIError

import storage.alert_models  # noqa: F401  (registers the tables, so the fixture clears them)
from domain.roles import Role
from storage.db import Database
from storage.team import grant_role, role_of

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
# Far below SQLite's busy timeout: a read that queued behind the writer would miss it.
NO_WAIT_SECONDS = 2


async def test_a_read_does_not_wait_for_an_open_write(database: Database) -> None:
    async with database.transaction() as session:
        await grant_role(session, user_id=7, role=Role.STAFF, granted_by=1, now=NOW)
    async with database.transaction() as writer:
        # The writer holds SQLite's write lock (BEGIN IMMEDIATE) and a row lock on PostgreSQL.
        await grant_role(writer, user_id=7, role=Role.OPERATOR, granted_by=1, now=NOW)

        async def read() -> Role | None:
            async with database.read() as session:
                return await role_of(session, user_id=7)

        seen = await asyncio.wait_for(read(), NO_WAIT_SECONDS)
        assert seen is Role.STAFF  # the committed row, not the writer's uncommitted change
    async with database.read() as session:
        assert await role_of(session, user_id=7) is Role.OPERATOR


async def test_postgresql_refuses_a_write_in_a_read(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite has no read-only transactions; reads there are plain BEGIN")
    with pytest.raises(DBAPIError, match="read-only"):
        async with database.read() as session:
            await grant_role(session, user_id=8, role=Role.STAFF, granted_by=1, now=NOW)
