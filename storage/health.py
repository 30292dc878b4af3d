"""Is the database reachable and its schema current? For health checks and `main.py check`."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.migrate import alembic_config


async def schema_status(database: Database) -> tuple[str | None, str]:
    """The database's current revision and the newest one the code knows."""
    head = ScriptDirectory.from_config(alembic_config(database.url)).get_current_head()

    def current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.engine.connect() as connection:
        revision = await connection.run_sync(current)
    return revision, head or ""
