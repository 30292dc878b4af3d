"""The async engine, sessions and SQLite tuning for one database URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.sqlite_driver import defer_begin, one_trip_dbapi, skip_clean_reset

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Marks the engine whose transactions only read: SQLite begins them deferred, not IMMEDIATE.
READ_ONLY = "khabardar_read_only"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/khabardar.db"


def async_database_url(url: str) -> str:
    """The URL with its async driver: accepts the URLs people paste (postgres://, sqlite:///)."""
    for prefix, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(prefix):
            return driver + url[len(prefix) :]
    if not url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        raise ValueError("must be a sqlite:/// or postgresql:// URL")
    return url


class Database:
    """Owns the engine; hands out sessions whose transaction the caller controls.

    Sessions are SQLAlchemy's own AsyncSession: SQLModel tables work with it unchanged, and
    sqlmodel's subclass deprecates execute(), which bulk INSERT/UPDATE/DELETE statements need.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A pooled PostgreSQL connection may have died with a server restart, so it is pinged
        # before use; a SQLite file cannot go away like that, and the ping would cost every
        # transaction one more trip to the driver's thread.
        # SQLite: one trip to aiosqlite's thread per statement, none to reset a clean connection
        # (storage/sqlite_driver.py says why and what it measured).
        sqlite: dict[str, Any] = (
            {"module": one_trip_dbapi(), "pool_reset_on_return": None} if self.is_sqlite else {}
        )
        self.engine: AsyncEngine = create_async_engine(
            url, echo=echo, pool_pre_ping=not self.is_sqlite, **sqlite
        )
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _tune_sqlite)
            event.listen(self.engine.sync_engine, "begin", _begin_immediate)
            event.listen(self.engine.sync_engine, "reset", skip_clean_reset)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        # The same pool and listeners; PostgreSQL refuses a write in it (READ ONLY).
        readers = {READ_ONLY: True} if self.is_sqlite else {"postgresql_readonly": True}
        self._readers = async_sessionmaker(
            self.engine.execution_options(**readers), class_=AsyncSession, expire_on_commit=False
        )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits when the block ends, rolls back if it raises."""
        async with self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A transaction that only reads: one consistent snapshot, and on SQLite no write lock,
        so a status query never waits for (or holds up) a writer."""
        async with self._readers() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def _begin_immediate(connection: Connection) -> None:
    # A deferred transaction that reads, then writes after another connection committed, fails
    # at once with "database is locked" (WAL cannot upgrade a stale snapshot, and the busy
    # timeout is not consulted). Taking the write lock at BEGIN makes every transaction wait
    # its turn instead. SQLite has one writer anyway; reads are short. A read-only transaction
    # begins deferred: WAL gives it its snapshot without any lock, and it never writes, so the
    # stale-snapshot upgrade cannot happen to it.
    begin = "BEGIN" if connection.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE"
    # It goes to the database with the transaction's first statement, in the same trip.
    if not defer_begin(connection.connection.dbapi_connection, begin):
        connection.exec_driver_sql(begin)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the single writer; the busy timeout makes a second writer
    # wait instead of failing with "database is locked"; foreign keys are off by default.
    # The driver's own implicit BEGIN is switched off so that _begin_immediate issues it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
