"""Is the database reachable and its schema current? For health checks and `main.py check`."""

from __future__ import annotations

from storage.db import Database
from storage.migrate import current_revision, head_revision


async def schema_status(database: Database) -> tuple[str | None, str]:
    """The database's current revision and the newest one the code knows."""
    async with database.engine.connect() as connection:
        revision = await connection.run_sync(current_revision)
    return revision, head_revision() or ""
