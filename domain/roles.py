"""Who may do what: the team's roles and the single table of permissions."""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType


class Role(enum.StrEnum):
    """A team member's role; admins come from ADMIN_IDS and are never stored."""

    ADMIN = "admin"
    OPERATOR = "operator"  # drafts alerts, and verifies other operators' alerts
    STAFF = "staff"  # NGO staff: read district status and alerts; never draft or verify


# Roles an admin can grant; admin itself is configuration, so a leaked admin cannot mint more.
GRANTABLE_ROLES = (Role.OPERATOR, Role.STAFF)


class Action(enum.StrEnum):
    """Something a team member may try to do."""

    DRAFT = "draft"  # write, edit and submit alerts, updates and cancels
    VERIFY = "verify"  # approve or reject someone else's pending alert
    VIEW_PENDING = "view_pending"  # see the queue of alerts waiting for verification
    VIEW_ALERTS = "view_alerts"  # see any alert with its lifecycle and who did what
    VIEW_STATUS = "view_status"  # delivery and service status
    RECEIVE_TEAM_ONLY = "receive_team_only"  # receive exercise/test alerts restricted to the team
    VIEW_TEAM = "view_team"
    GRANT_ROLES = "grant_roles"  # grant and revoke operator and staff roles
    VIEW_AUDIT = "view_audit"
    EXPORT_AUDIT = "export_audit"
    MANAGE_CHANNELS = "manage_channels"  # link and unlink district channels


_STAFF = frozenset({Action.VIEW_ALERTS, Action.VIEW_STATUS, Action.RECEIVE_TEAM_ONLY})
_OPERATOR = _STAFF | {Action.DRAFT, Action.VERIFY, Action.VIEW_PENDING, Action.VIEW_TEAM}
PERMISSIONS: Mapping[Role, frozenset[Action]] = MappingProxyType(
    {
        Role.STAFF: _STAFF,
        Role.OPERATOR: _OPERATOR,
        Role.ADMIN: frozenset(Action),
    }
)


@dataclass(frozen=True, slots=True)
class TeamMember:
    """A stored role grant."""

    user_id: int
    role: Role
    granted_by: int
    granted_at: datetime


def effective_role(
    user_id: int, admin_ids: Collection[int], stored_role: Role | None
) -> Role | None:
    """The role a user acts with: admin when configured so, else their stored role, if any."""
    if user_id in admin_ids:
        return Role.ADMIN
    return stored_role if stored_role is not Role.ADMIN else None


def can(role: Role | None, action: Action) -> bool:
    """Whether a role may take an action; residents (no role) may take none of these."""
    return role is not None and action in PERMISSIONS[role]


def least_role_for(action: Action) -> Role | None:
    """The narrowest role allowed to take this action (staff before operator before admin)."""
    for role in (Role.STAFF, Role.OPERATOR, Role.ADMIN):
        if action in PERMISSIONS[role]:
            return role
    return None
