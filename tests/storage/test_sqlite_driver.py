"""SQLite's one-trip cursor: SQLAlchemy reads from it what it read from its own, in one trip."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import Database

metadata = MetaData()
note = Table(
    "note",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("body", String, nullable=False, unique=True),
)


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    """A SQLite database of its own, whatever TEST_DATABASE_URL says: the driver is SQLite's."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield db
    await db.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call aiosqlite runs on its thread, by name, from here on."""
    seen: list[str] = []
    run: Callable[..., Awaitable[Any]] = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Callable[..., Any], *args: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await run(self, fn, *args)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return seen


async def test_what_sqlalchemy_reads_from_a_cursor(sqlite: Database) -> None:
    async with sqlite.engine.begin() as conn:  # a connection's results are CursorResults
        first = await conn.execute(insert(note).values(body="a"))
        assert first.inserted_primary_key == (1,)  # lastrowid
        many = await conn.execute(insert(note), [{"body": "b"}, {"body": "c"}])  # executemany
        assert many.rowcount == 2
        returned = await conn.execute(insert(note).values(body="d").returning(note.c.id))
        assert returned.scalar_one() == 4
        changed = await conn.execute(
            update(note).where(note.c.id > 2).values(body=note.c.body + "!")
        )
        assert changed.rowcount == 2
    async with sqlite.read() as session:
        result = await session.execute(select(note.c.id, note.c.body).order_by(note.c.id))
        assert list(result.keys()) == ["id", "body"]  # description
        assert result.fetchone() == (1, "a")
        assert result.fetchmany(2) == [(2, "b"), (3, "c!")]
        assert result.fetchall() == [(4, "d!")]
        assert (
            await session.scalar(select(func.count()).select_from(note).where(note.c.id > 9)) == 0
        )


async def test_a_failed_statement_is_sqlalchemys_error_and_leaves_nothing(sqlite: Database) -> None:
    with pytest.raises(IntegrityError):
        async with sqlite.transaction() as session:
            await session.execute(insert(note).values(body="same"))
            await session.execute(insert(note).values(body="same"))
    async with sqlite.read() as session:
        assert await session.scalar(select(func.count()).select_from(note)) == 0


async def test_a_statement_is_one_trip_and_a_clean_connection_goes_back_without_one(
    sqlite: Database, trips: list[str]
) -> None:
    async with sqlite.read() as session:  # connects: the trips a new connection takes
        await session.execute(select(note.c.id))
    trips.clear()
    async with sqlite.read() as session:
        await session.execute(select(note.c.id))
        await session.execute(select(note.c.body))
    # The BEGIN rides with the first query; no rollback after the commit on the way back.
    assert trips == ["run", "run", "commit"]
    trips.clear()
    async with sqlite.engine.begin():  # a transaction that never ran a statement
        pass
    assert trips == []


async def test_a_write_transaction_holds_the_write_lock_from_its_first_statement(
    sqlite: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "driver.db", timeout=0, isolation_level=None)
    try:
        async with sqlite.transaction() as session:
            await session.execute(select(note.c.id))  # only a read, in a BEGIN IMMEDIATE
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # let go at COMMIT
        other.execute("ROLLBACK")
    finally:
        other.close()


async def test_a_connection_given_back_mid_transaction_is_rolled_back(sqlite: Database) -> None:
    async def count() -> int | None:
        async with sqlite.read() as session:
            return await session.scalar(select(func.count()).select_from(note))

    conn = await sqlite.engine.connect()
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None
    # A transaction SQLAlchemy does not know of: only the pool's reset can end it.
    await driver.execute("BEGIN IMMEDIATE")
    await driver.execute("INSERT INTO note (body) VALUES ('never committed')")
    await conn.close()
    assert await count() == 0
    async with sqlite.transaction() as session:  # and the write lock was let go
        await session.execute(insert(note).values(body="committed"))
    assert await count() == 1
