"""Apply Alembic migrations from inside the running event loop."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage.db import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config for this project's migrations and one database URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation; URLs with escaped passwords contain it.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@functools.cache
def _head() -> str | None:
    """The newest revision of this project's migrations (read once per process)."""
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


async def migrate(database: Database, revision: str = "head") -> None:
    """Bring the schema up to a revision (default: the newest) on the database's own engine."""
    config = alembic_config(database.url)

    def _upgrade(connection: Connection) -> None:
        # Every start migrates; a schema already at the head needs one SELECT, not Alembic's
        # environment (about 30 ms of imports and script loading each time).
        if revision == "head" and _current(connection) == _head():
            return
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with database.engine.begin() as connection:
        await connection.run_sync(_upgrade)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
