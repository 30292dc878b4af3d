"""Failures of the world around the bot (the database going away) told apart from bugs.

A dropped database connection or SQLite's "database is locked" after its wait is weather, as a
Telegram 5xx is: one line for the deployer and a retry, not a traceback that buries real bugs.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

# sqlite3 raises OperationalError for a missing table or a syntax error too: only these are
# the database's weather there.
_SQLITE_WEATHER = ("locked", "busy", "disk i/o", "unable to open", "readonly")


def database_weather(error: BaseException | None) -> bool:
    """Whether the database failed (connection lost, locked, refused), not the code."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    cause = error.orig
    if cause is not None and type(cause).__module__.startswith("sqlite3"):
        return any(word in str(cause).lower() for word in _SQLITE_WEATHER)
    return True


def database_reason(error: BaseException | None) -> str:
    """The driver's own first line: never SQLAlchemy's, which quotes the statement and its
    parameters (a resident's text, a phone number)."""
    if error is None:
        return "no error"
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    first = str(cause).splitlines()[0] if str(cause) else ""
    return f"{type(cause).__name__}: {first[:200]}" if first else type(cause).__name__


def why(error: BaseException | None) -> str:
    """One line naming a failure, safe to log."""
    if error is None:
        return "no error"
    return database_reason(error) if database_weather(error) else type(error).__name__
