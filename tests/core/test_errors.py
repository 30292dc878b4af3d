"""Which database failures are weather (one warning line) and which are bugs (a traceback)."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from core.errors import database_reason, database_weather

SECRET = "+923001234567"  # a parameter SQLAlchemy's own text would quote


def failed(cause: Exception, kind: type[DBAPIError] = OperationalError) -> Exception:
    return kind("UPDATE sms SET number=?", (SECRET,), cause)


def test_a_lost_connection_or_a_locked_sqlite_is_weather() -> None:
    assert database_weather(failed(ConnectionError("server closed the connection")))
    assert database_weather(failed(sqlite3.OperationalError("database is locked")))


def test_a_missing_table_or_a_broken_constraint_is_a_bug() -> None:
    assert not database_weather(failed(sqlite3.OperationalError("no such table: sms")))
    assert not database_weather(failed(sqlite3.IntegrityError("UNIQUE failed"), IntegrityError))
    assert not database_weather(ValueError("not a database error"))
    assert not database_weather(None)


def test_the_reason_is_the_drivers_line_never_the_statement_or_its_parameters() -> None:
    reason = database_reason(failed(ConnectionError("server closed the connection")))
    assert reason == "ConnectionError: server closed the connection"
    assert SECRET not in reason and "UPDATE" not in reason
