"""The team's commands for /help, each shown only to roles allowed to use it."""

from __future__ import annotations

from core.i18n import N_, Translator
from domain.roles import Action, Role, can

# (command, description, the action it needs), in the order /help lists them.
TEAM_COMMANDS: tuple[tuple[str, str, Action], ...] = (
    ("newalert", N_("Draft an alert, step by step or as a form (below)"), Action.DRAFT),
    ("pending", N_("Alerts waiting for your verification"), Action.VIEW_PENDING),
    ("update", N_("KB-… and changed fields: correct a live alert"), Action.DRAFT),
    ("cancel", N_("KB-… and a reason: withdraw a live alert"), Action.DRAFT),
    ("report", N_("KB-…: delivery report of an alert"), Action.VIEW_ALERTS),
    ("status", N_("District or town: the situation there"), Action.VIEW_STATUS),
    ("overview", N_("The province at a glance"), Action.VIEW_STATUS),
    ("history", N_("District and days: past alerts"), Action.VIEW_STATUS),
    ("map", N_("Map of active alerts by district"), Action.VIEW_STATUS),
    ("shutdown", N_("Districts and on|off: a mobile-data shutdown (SMS fallback)"), Action.DRAFT),
    ("channel", N_("link|list|unlink: district broadcast channels"), Action.MANAGE_CHANNELS),
    ("team", N_("Who is on the team"), Action.VIEW_TEAM),
    ("grant", N_("USER_ID operator|staff: give a role"), Action.GRANT_ROLES),
    ("revoke", N_("USER_ID: take a role away"), Action.GRANT_ROLES),
    ("audit", N_("[N]: the newest entries of the audit log"), Action.VIEW_AUDIT),
    ("whoami", N_("Your Telegram user id, to give to an admin"), Action.VIEW_STATUS),
)
FORM_EXAMPLE = (
    "/newalert\n"
    "kind: transport\n"
    "route: N-25\n"
    "mode: road\n"
    "segment: Mastung–Kalat\n"
    "severity: severe\n"
    "urgency: immediate\n"
    "headline: N-25 closed between Mastung and Kalat\n"
    "instruction: Use the N-65 via Sibi.\n"
    "headline_ur: مستونگ اور قلات کے درمیان N-25 بند\n"
    "headline_ps: د مستونګ او قلات ترمنځ N-25 بند دی\n"
    "expires: 12h"
)


def team_help(_: Translator, role: Role | None) -> str:
    """The team section of /help for this role; empty for residents."""
    lines = [
        f"/{name} — {_(description)}"
        for name, description, action in TEAM_COMMANDS
        if can(role, action)
    ]
    if not lines:
        return ""
    lines.insert(0, _("<b>For the Khabardar team</b>"))
    if can(role, Action.DRAFT):
        lines += [
            "",
            _(
                "One-message form (fields: kind, status, districts, route, mode, segment, "
                "severity, urgency, certainty, headline, description, instruction, families, "
                "individuals, from, to, source, effective, expires, language; and in another "
                "language headline_ur, description_ur, instruction_ur…):"
            ),
            f"<code>{FORM_EXAMPLE}</code>",
        ]
    return "\n".join(lines)
