"""`main.py admin …`: grant and revoke roles, list the team, read the audit log from a shell."""

from __future__ import annotations

import argparse
import asyncio

from core.settings import Settings
from domain.roles import GRANTABLE_ROLES, Role
from storage import audit, team
from storage.db import Database
from storage.migrate import migrate

# The audit log's actor for changes made from the command line (no Telegram user behind them).
CLI_ACTOR = 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `admin` and its subcommands."""
    admin = sub.add_parser("admin", help="manage team roles and read the audit log")
    commands = admin.add_subparsers(dest="admin_command", required=True)
    grant = commands.add_parser("grant", help="give a Telegram user a role")
    grant.add_argument("user_id", type=int)
    grant.add_argument("role", choices=[r.value for r in GRANTABLE_ROLES])
    revoke = commands.add_parser("revoke", help="take a user's role away")
    revoke.add_argument("user_id", type=int)
    commands.add_parser("team", help="list admins (configured) and stored roles")
    log = commands.add_parser("audit", help="print the newest audit entries")
    log.add_argument("--limit", type=int, default=50)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out one admin subcommand; prints one line per result."""
    return asyncio.run(_run(args, settings))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    database = Database(settings.database_url)
    try:
        await migrate(database)
        async with database.transaction() as session:
            if args.admin_command == "grant":
                role = Role(args.role)
                await team.grant_role(
                    session, user_id=args.user_id, role=role, granted_by=CLI_ACTOR
                )
                print(f"{args.user_id} is now {role.value}")
            elif args.admin_command == "revoke":
                removed = await team.revoke_role(
                    session, user_id=args.user_id, revoked_by=CLI_ACTOR
                )
                print(f"{args.user_id}: {'revoked ' + removed.value if removed else 'had no role'}")
            elif args.admin_command == "team":
                for admin_id in sorted(settings.admin_ids):
                    print(f"{admin_id}\tadmin (ADMIN_IDS)")
                for member in await team.list_team(session):
                    granted = f"{member.granted_at:%Y-%m-%d}"
                    print(f"{member.user_id}\t{member.role.value}\tgranted {granted}")
            else:
                for entry in await audit.list_audit(session, limit=max(1, args.limit)):
                    subject = entry.alert or entry.target_user or ""
                    when = f"{entry.at:%Y-%m-%d %H:%M:%S}Z"
                    print(f"{when}\t{entry.actor_id}\t{entry.action.value}\t{subject}")
    finally:
        await database.dispose()
    return 0
