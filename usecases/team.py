"""The team's roles: grant and revoke (audited), list members, read the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.roles import Role, TeamMember
from storage import audit, team
from storage.audit import AuditEntry
from storage.db import Database


@dataclass(frozen=True, slots=True)
class RoleChange:
    """A member's stored role before and after a request."""

    user_id: int
    previous: Role | None
    role: Role | None

    @property
    def changed(self) -> bool:
        """Whether the request changed anything."""
        return self.previous is not self.role


async def grant(
    *, database: Database, user_id: int, role: Role, by: int, now: datetime
) -> RoleChange:
    """Give a user a role, replacing any other."""
    async with database.transaction() as session:
        previous = await team.grant_role(
            session, user_id=user_id, role=role, granted_by=by, now=now
        )
    return RoleChange(user_id, previous, role)


async def revoke(*, database: Database, user_id: int, by: int, now: datetime) -> RoleChange:
    """Take a user's stored role away (admins are configured, not stored)."""
    async with database.transaction() as session:
        removed = await team.revoke_role(session, user_id=user_id, revoked_by=by, now=now)
    return RoleChange(user_id, removed, None)


async def members(*, database: Database) -> list[TeamMember]:
    """Everyone with a stored role."""
    async with database.read() as session:
        return await team.list_team(session)


async def recent_audit(*, database: Database, limit: int) -> list[AuditEntry]:
    """The newest audit entries, newest first."""
    async with database.read() as session:
        return await audit.list_audit(session, limit=limit)
