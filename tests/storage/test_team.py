"""Team roles: one stored role per user, every change audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import storage.alert_models  # noqa: F401  (registers the tables, so the fixture clears them)
from domain.roles import Role, TeamMember
from storage.audit import AuditAction, list_audit
from storage.db import Database
from storage.team import grant_role, list_team, revoke_role, role_of

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ADMIN = 900001


async def test_grant_change_and_revoke(database: Database) -> None:
    async with database.transaction() as session:
        assert await role_of(session, user_id=5) is None
        first = await grant_role(session, user_id=5, role=Role.STAFF, granted_by=ADMIN, now=NOW)
        assert first is None
        assert await role_of(session, user_id=5) is Role.STAFF
        later = NOW + timedelta(days=1)
        previous = await grant_role(
            session, user_id=5, role=Role.OPERATOR, granted_by=ADMIN, now=later
        )
        assert previous is Role.STAFF
        assert await list_team(session) == [TeamMember(5, Role.OPERATOR, ADMIN, later)]
        assert await revoke_role(session, user_id=5, revoked_by=ADMIN, now=later) is Role.OPERATOR
        assert await revoke_role(session, user_id=5, revoked_by=ADMIN, now=later) is None
        assert await role_of(session, user_id=5) is None
        entries = await list_audit(session, actor=ADMIN)
    assert [(e.action, e.target_user, dict(e.detail)) for e in reversed(entries)] == [
        (AuditAction.ROLE_GRANTED, 5, {"role": "staff", "previous": None}),
        (AuditAction.ROLE_GRANTED, 5, {"role": "operator", "previous": "staff"}),
        (AuditAction.ROLE_REVOKED, 5, {"role": "operator"}),
    ]


async def test_granting_the_same_role_again_changes_nothing(database: Database) -> None:
    async with database.transaction() as session:
        await grant_role(session, user_id=5, role=Role.STAFF, granted_by=ADMIN, now=NOW)
        again = await grant_role(session, user_id=5, role=Role.STAFF, granted_by=7, now=NOW)
        assert again is Role.STAFF
        assert (await list_team(session))[0].granted_by == ADMIN
        assert len(await list_audit(session)) == 1


async def test_admin_is_configured_not_granted(database: Database) -> None:
    async with database.transaction() as session:
        with pytest.raises(ValueError):
            await grant_role(session, user_id=5, role=Role.ADMIN, granted_by=ADMIN)


async def test_list_team_operators_first(database: Database) -> None:
    async with database.transaction() as session:
        await grant_role(session, user_id=1, role=Role.STAFF, granted_by=ADMIN, now=NOW)
        await grant_role(session, user_id=2, role=Role.OPERATOR, granted_by=ADMIN, now=NOW)
        assert [m.user_id for m in await list_team(session)] == [2, 1]
        assert [m.user_id for m in await list_team(session, role=Role.STAFF)] == [1]
