"""Team use-cases: a role change says what it changed."""

from __future__ import annotations

import storage.alert_models  # noqa: F401  (registers the tables, so the fixture clears them)
from domain.roles import Role
from storage.audit import AuditAction
from storage.db import Database
from tests.storage.test_team import ADMIN, NOW
from usecases import team


async def test_grant_again_changes_nothing_and_revoke_says_what_went(database: Database) -> None:
    first = await team.grant(database=database, user_id=5, role=Role.STAFF, by=ADMIN, now=NOW)
    again = await team.grant(database=database, user_id=5, role=Role.STAFF, by=ADMIN, now=NOW)
    assert first.changed and not again.changed and again.previous is Role.STAFF
    gone = await team.revoke(database=database, user_id=5, by=ADMIN, now=NOW)
    assert gone.changed and gone.previous is Role.STAFF and gone.role is None
    assert not (await team.revoke(database=database, user_id=5, by=ADMIN, now=NOW)).changed
    assert await team.members(database=database) == []
    entries = await team.recent_audit(database=database, limit=5)
    assert [e.action for e in entries] == [AuditAction.ROLE_REVOKED, AuditAction.ROLE_GRANTED]
