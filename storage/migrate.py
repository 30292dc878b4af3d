"""Apply Alembic migrations from inside the running event loop."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The header every migration file starts with (Alembic's own template).
_HEADER = re.compile(r'^(revision|down_revision)\b[^=\n]*=\s*(?:"([^"]*)"|None)', re.MULTILINE)


def alembic_config(url: str) -> Config:
    """An Alembic config for this project's migrations and one database URL."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation; URLs with escaped passwords contain it.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@functools.cache
def head_revision() -> str | None:
    """The newest revision, read from the migration files' headers once per process.

    Every start asks this, and Alembic's ScriptDirectory would cost its whole import (about
    0.2 s of CPU, tomllib's regexes included) for one string; a test keeps both answers equal.
    None when the files have no single head, which leaves the decision (and the error) to
    Alembic.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        fields = {m.group(1): m.group(2) for m in _HEADER.finditer(path.read_text())}
        if fields.get("revision"):
            revisions.add(fields["revision"])
        if fields.get("down_revision"):
            parents.add(fields["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None: never migrated)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


async def migrate(database: Database, revision: str = "head") -> None:
    """Bring the schema up to a revision (default: the newest) on the database's own engine."""

    def _upgrade(connection: Connection) -> None:
        # Every start migrates; a schema already at the head needs one SELECT, not Alembic.
        head = head_revision()
        if revision == "head" and head is not None and current_revision(connection) == head:
            return
        from alembic import command  # only when there is something to do (see head_revision)

        config = alembic_config(database.url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with database.engine.begin() as connection:
        await connection.run_sync(_upgrade)
