"""Who is asking: the sender's resident row and role, read together once per update."""

from __future__ import annotations

from collections.abc import Collection

from core.context import Asker
from domain.roles import effective_role
from storage import residents, team
from storage.db import Database


async def who_is_asking(
    *, database: Database, chat_id: int | None, user_id: int | None, admin_ids: Collection[int]
) -> Asker:
    """The chat's resident (if any) and the user's role: admin when configured, else stored."""
    async with database.read() as session:
        resident = (
            await residents.get_resident(session, chat_id=chat_id) if chat_id is not None else None
        )
        stored = await team.role_of(session, user_id=user_id) if user_id is not None else None
    role = effective_role(user_id, admin_ids, stored) if user_id is not None else None
    return Asker(resident, role)
