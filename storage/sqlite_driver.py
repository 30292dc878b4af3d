"""SQLite through aiosqlite in one trip to the driver's thread per statement, not three or four.

aiosqlite runs every call on a thread of its own, and SQLAlchemy's adapter makes a call for each
step of a statement: open a cursor, execute, fetch the rows, close the cursor. A trip costs about
60 µs of CPU here (a queue hand-off, a wake-up of the event loop, the GIL changing hands twice),
and a transaction with one query took nine of them. This cursor does the steps in one trip and
keeps what SQLAlchemy reads afterwards (description, rowcount, lastrowid and the rows). The
transaction's BEGIN rides in the trip of its first statement (`begin_with`), and a connection
goes back to the pool without a trip when nothing is left open (`skip_clean_reset`): a
transaction with one query is two trips, the query and COMMIT, where it was nine.

It builds on SQLAlchemy's own aiosqlite adapter and replaces only the cursor; the adapter's
attributes it sets are those of the pinned SQLAlchemy (tests/storage/test_sqlite_driver.py
checks what SQLAlchemy reads from a cursor, and that a statement is one trip).
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.pool import PoolResetState
from sqlalchemy.util import EMPTY_DICT

# What a sqlite3 cursor reports after a statement: description, rowcount, lastrowid.
_Outcome = tuple[Any, int, int | None]


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """Executes, fetches and closes in the driver's thread; answers from what it kept."""

    __slots__ = ("_arraysize", "_outcome")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        # Not super().__init__: it opens a driver cursor, one trip, that this class never uses.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection.driver_connection
        self._cursor = None  # type: ignore[assignment]  # a driver cursor lives for one trip
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._outcome: _Outcome = (None, -1, None)
        self._arraysize = 1  # sqlite3's default

    @property
    def description(self) -> Any:
        return self._outcome[0]

    @property
    def rowcount(self) -> int:
        return self._outcome[1]

    @property
    def lastrowid(self) -> int:
        return self._outcome[2]  # type: ignore[return-value]  # None before an INSERT, as sqlite3

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        """Nothing to close: the driver's cursor was closed in the trip that used it."""

    def close(self) -> None:
        self._rows.clear()

    def _take_begin(self) -> str | None:
        """The BEGIN waiting for this statement's trip, if any; it is this statement's now."""
        adapted = self._adapt_connection
        if not isinstance(adapted, OneTripConnection):
            return None
        begin, adapted.begin_with = adapted.begin_with, None
        return begin

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        sqlite = self._connection._conn  # the sqlite3 connection, used only on its own thread
        begin = self._take_begin()

        def run() -> tuple[_Outcome, list[Any] | None]:
            if begin is not None:
                sqlite.execute(begin)
            cursor = sqlite.cursor()
            try:
                if parameters is None:
                    cursor.execute(operation)
                else:
                    cursor.execute(operation, parameters)
                rows = cursor.fetchall() if cursor.description else None
                return (cursor.description, cursor.rowcount, cursor.lastrowid), rows
            finally:
                cursor.close()

        async with self._adapt_connection._execute_mutex:
            self._outcome, rows = await self._connection._execute(run)
        if rows is not None:
            self._rows = collections.deque(rows)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        sqlite = self._connection._conn
        begin = self._take_begin()

        def run() -> _Outcome:
            if begin is not None:
                sqlite.execute(begin)
            cursor = sqlite.cursor()
            try:
                cursor.executemany(operation, seq_of_parameters)
                return cursor.description, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        async with self._adapt_connection._execute_mutex:
            self._outcome = await self._connection._execute(run)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """The adapter's connection, with the one-trip cursor and a BEGIN that waits for work."""

    __slots__ = ("begin_with",)
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        # The BEGIN the next statement runs first, in its own trip (storage.db's begin listener
        # sets it). Nothing reaches the database between the two, so taking the lock then is
        # taking it at BEGIN; a BEGIN that fails (the busy timeout ran out) fails that statement.
        self.begin_with: str | None = None

    def commit(self) -> None:
        if self.begin_with is not None:  # nothing ran since BEGIN: nothing to commit
            self.begin_with = None
            return
        super().commit()

    def rollback(self) -> None:
        if self.begin_with is not None:
            self.begin_with = None
            return
        super().rollback()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite module shim, handing out connections with the one-trip cursor."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted.driver_connection)


def one_trip_dbapi() -> OneTripDBAPI:
    """The `module` for create_async_engine on a sqlite+aiosqlite URL."""
    return OneTripDBAPI(aiosqlite, sqlite3)


def defer_begin(dbapi_connection: Any, statement: str) -> bool:
    """Leave STATEMENT (a BEGIN) for the next statement's trip; False if this connection
    cannot, and the caller must run it now."""
    if not isinstance(dbapi_connection, OneTripConnection):
        return False
    dbapi_connection.begin_with = statement
    return True


def skip_clean_reset(dbapi_connection: Any, _record: Any, reset_state: PoolResetState) -> None:
    """The pool's reset for a connection coming back: roll back only an open transaction.

    SQLAlchemy rolls back every connection it is given back, and after a commit that is a trip
    to the driver's thread for nothing; the engine is made with pool_reset_on_return=None and
    this listener instead. A connection the pool is dropping outside the event loop is not
    touched (SQLAlchemy's own reset does the same); it is closed, which ends its transaction.
    """
    if isinstance(dbapi_connection, OneTripConnection):
        dbapi_connection.begin_with = None  # a BEGIN that nothing followed never ran
    if reset_state.asyncio_safe and dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()
