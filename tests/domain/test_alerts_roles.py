"""Roles and permissions: the one table that decides who may do what with alerts."""

from __future__ import annotations

import pytest

from domain.roles import GRANTABLE_ROLES, PERMISSIONS, Action, Role, can, effective_role

ADMINS = frozenset({900001})


def test_admins_come_from_configuration() -> None:
    assert effective_role(900001, ADMINS, None) is Role.ADMIN
    assert effective_role(900001, ADMINS, Role.STAFF) is Role.ADMIN
    assert effective_role(5, ADMINS, Role.OPERATOR) is Role.OPERATOR
    assert effective_role(5, ADMINS, None) is None
    # A stored "admin" (say, a hand-edited row) grants nothing.
    assert effective_role(5, ADMINS, Role.ADMIN) is None
    assert Role.ADMIN not in GRANTABLE_ROLES


@pytest.mark.parametrize(
    ("action", "staff", "operator", "admin"),
    [
        (Action.DRAFT, False, True, True),
        (Action.VERIFY, False, True, True),
        (Action.VIEW_PENDING, False, True, True),
        (Action.VIEW_ALERTS, True, True, True),
        (Action.VIEW_STATUS, True, True, True),
        (Action.RECEIVE_TEAM_ONLY, True, True, True),
        (Action.VIEW_TEAM, False, True, True),
        (Action.GRANT_ROLES, False, False, True),
        (Action.VIEW_AUDIT, False, False, True),
        (Action.EXPORT_AUDIT, False, False, True),
    ],
)
def test_permission_matrix(action: Action, staff: bool, operator: bool, admin: bool) -> None:
    assert (can(Role.STAFF, action), can(Role.OPERATOR, action), can(Role.ADMIN, action)) == (
        staff,
        operator,
        admin,
    )
    assert not can(None, action)


def test_every_action_is_in_the_matrix() -> None:
    assert set(PERMISSIONS) == set(Role)
    assert PERMISSIONS[Role.STAFF] < PERMISSIONS[Role.OPERATOR] < PERMISSIONS[Role.ADMIN]
    assert PERMISSIONS[Role.ADMIN] == frozenset(Action)
