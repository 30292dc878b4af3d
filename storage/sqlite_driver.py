"""SQLite through aiosqlite in one trip to the driver's thread per statement, not three or four.

aiosqlite runs every call on a thread of its own, and SQLAlchemy's adapter makes a call for each
step of a statement: open a cursor, execute, fetch the rows, close the cursor. A trip costs about
60 µs of CPU here (a queue hand-off, a wake-up of the event loop, the GIL changing hands twice),
and a transaction with one query took nine of them. This cursor does the steps in one trip and
keeps what SQLAlchemy reads afterwards (description, rowcount, lastrowid and the rows), so a
query is one trip and a transaction with one query four (BEGIN, the query, COMMIT, and none on
the way back to the pool: see `skip_clean_reset`).

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

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        sqlite = self._connection._conn  # the sqlite3 connection, used only on its own thread

        def run() -> tuple[_Outcome, list[Any] | None]:
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

        def run() -> _Outcome:
            cursor = sqlite.cursor()
            try:
                cursor.executemany(operation, seq_of_parameters)
                return cursor.description, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        async with self._adapt_connection._execute_mutex:
            self._outcome = await self._connection._execute(run)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite module shim, handing out connections with the one-trip cursor."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted.driver_connection)


def one_trip_dbapi() -> OneTripDBAPI:
    """The `module` for create_async_engine on a sqlite+aiosqlite URL."""
    return OneTripDBAPI(aiosqlite, sqlite3)


def skip_clean_reset(dbapi_connection: Any, _record: Any, reset_state: PoolResetState) -> None:
    """The pool's reset for a connection coming back: roll back only an open transaction.

    SQLAlchemy rolls back every connection it is given back, and after a commit that is a trip
    to the driver's thread for nothing; the engine is made with pool_reset_on_return=None and
    this listener instead. A connection the pool is dropping outside the event loop is not
    touched (SQLAlchemy's own reset does the same); it is closed, which ends its transaction.
    """
    if reset_state.asyncio_safe and dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()
