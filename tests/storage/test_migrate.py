"""Migrating: the head read from the files agrees with Alembic's, and a fresh database is
brought to it (where `migrate` skips Alembic, both answers must be right)."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

from storage.db import Database
from storage.health import schema_status
from storage.migrate import MIGRATIONS_DIR, current_revision, head_revision, migrate


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert head_revision() == ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head_revision() is not None


async def test_a_fresh_database_is_migrated_to_the_head_and_then_left_alone(
    tmp_path: Path,
) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")
    try:
        async with database.engine.connect() as connection:
            assert await connection.run_sync(current_revision) is None
        await migrate(database)
        assert await schema_status(database) == (head_revision(), head_revision())
        await migrate(database)  # at the head: one SELECT, nothing changes
        async with database.engine.connect() as connection:
            assert await connection.run_sync(current_revision) == head_revision()
    finally:
        await database.dispose()
