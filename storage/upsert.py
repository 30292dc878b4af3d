"""INSERT … ON CONFLICT in the session's dialect: the one upsert every storage module shares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

from sqlalchemy import Select, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

Upsert: TypeAlias = postgresql.Insert | sqlite.Insert


def upsert(
    session: AsyncSession,
    table: Table | type[SQLModel],
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]] | Select[Any],
    *,
    keys: Sequence[str] | None = None,
    update: Sequence[str] | Mapping[str, Any] = (),
    columns: Sequence[str] = (),
) -> Upsert:
    """Insert rows (values, or a SELECT into columns); a row whose keys already exist has the
    columns in update replaced (by the new row's values, or by the given expressions), or with
    nothing to update is left as it is. keys None: any unique constraint counts (DO NOTHING only).
    """
    # Both dialects spell ON CONFLICT the same way; only the insert construct differs.
    insert: Upsert = (
        postgresql.insert(table)
        if session.get_bind().dialect.name == "postgresql"
        else sqlite.insert(table)
    )
    statement = (
        insert.from_select(list(columns), values)
        if isinstance(values, Select)
        else insert.values(values)
    )
    if not update:
        return statement.on_conflict_do_nothing(index_elements=keys)
    assert keys is not None, "an update needs the conflicting keys"
    replace = (
        dict(update)
        if isinstance(update, Mapping)
        else {column: statement.excluded[column] for column in update}
    )
    return statement.on_conflict_do_update(index_elements=keys, set_=replace)
