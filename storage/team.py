"""Named queries about the team's stored roles; every change is audited in its transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.roles import GRANTABLE_ROLES, Role, TeamMember
from storage.alert_models import team_member
from storage.audit import AuditAction, record
from storage.upsert import upsert


async def grant_role(
    session: AsyncSession,
    *,
    user_id: int,
    role: Role,
    granted_by: int,
    now: datetime | None = None,
) -> Role | None:
    """Give a user a role, replacing any other; returns the role they had before."""
    if role not in GRANTABLE_ROLES:
        raise ValueError(f"{role.value} is configured, not granted")
    now = now or datetime.now(UTC)
    previous = await role_of(session, user_id=user_id)
    if previous is role:
        return previous
    values = {"user_id": user_id, "role": role.value, "granted_by": granted_by, "granted_at": now}
    # An upsert, so two admins granting at once leave one row rather than a key violation.
    replaced = ("role", "granted_by", "granted_at")
    await session.execute(upsert(session, team_member, values, keys=["user_id"], update=replaced))
    await record(
        session,
        action=AuditAction.ROLE_GRANTED,
        at=now,
        actor_id=granted_by,
        target_user=user_id,
        detail={"role": role.value, "previous": previous.value if previous else None},
    )
    return previous


async def revoke_role(
    session: AsyncSession, *, user_id: int, revoked_by: int, now: datetime | None = None
) -> Role | None:
    """Take away a user's stored role; returns the role removed, None if they had none."""
    removed = await session.scalar(
        delete(team_member).where(team_member.c.user_id == user_id).returning(team_member.c.role)
    )
    if removed is None:
        return None
    await record(
        session,
        action=AuditAction.ROLE_REVOKED,
        at=now or datetime.now(UTC),
        actor_id=revoked_by,
        target_user=user_id,
        detail={"role": removed},
    )
    return Role(removed)


async def role_of(session: AsyncSession, *, user_id: int) -> Role | None:
    """A user's stored role, if any (admins come from configuration: see effective_role)."""
    stored = await session.scalar(
        select(team_member.c.role).where(team_member.c.user_id == user_id)
    )
    return Role(stored) if stored is not None else None


async def list_team(session: AsyncSession, *, role: Role | None = None) -> list[TeamMember]:
    """Everyone with a stored role, operators first, then by when they joined."""
    query = select(team_member).order_by(team_member.c.role, team_member.c.granted_at)
    if role is not None:
        query = query.where(team_member.c.role == role.value)
    rows = await session.execute(query)
    return [
        TeamMember(
            user_id=row.user_id,
            role=Role(row.role),
            granted_by=row.granted_by,
            granted_at=row.granted_at,
        )
        for row in rows
    ]
