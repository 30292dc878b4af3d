"""`main.py admin …`: grant and revoke roles, list the team, read the audit log from a shell."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime

from telegram import Bot

from bot.app import build_services
from core.context import Services
from core.settings import Settings
from domain.roles import GRANTABLE_ROLES, Role
from handlers.command_menus import publish_team_menu
from storage.migrate import migrate
from usecases import team

# The audit log's actor for changes made from the command line (no Telegram user behind them).
CLI_ACTOR = 0
TELEGRAM_API = "https://api.telegram.org/bot"  # python-telegram-bot's own default


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
    return asyncio.run(run_async(args, settings))


async def run_async(args: argparse.Namespace, settings: Settings) -> int:
    """The subcommand, on the event loop (tests call this directly)."""
    services = build_services(settings)
    database = services.database
    try:
        await migrate(database)
        now = datetime.now(UTC)
        if args.admin_command == "grant":
            role = Role(args.role)
            await team.grant(
                database=database, user_id=args.user_id, role=role, by=CLI_ACTOR, now=now
            )
            print(f"{args.user_id} is now {role.value}")
            await _refresh_menu(services, args.user_id)
        elif args.admin_command == "revoke":
            change = await team.revoke(
                database=database, user_id=args.user_id, by=CLI_ACTOR, now=now
            )
            removed = change.previous
            print(f"{args.user_id}: {'revoked ' + removed.value if removed else 'had no role'}")
            await _refresh_menu(services, args.user_id)
        elif args.admin_command == "team":
            for admin_id in sorted(settings.admin_ids):
                print(f"{admin_id}\tadmin (ADMIN_IDS)")
            for member in await team.members(database=database):
                granted = f"{member.granted_at:%Y-%m-%d}"
                print(f"{member.user_id}\t{member.role.value}\tgranted {granted}")
        else:
            for entry in await team.recent_audit(database=database, limit=max(1, args.limit)):
                subject = entry.alert or entry.target_user or ""
                when = f"{entry.at:%Y-%m-%d %H:%M:%S}Z"
                print(f"{when}\t{entry.actor_id}\t{entry.action.value}\t{subject}")
    finally:
        await database.dispose()
    return 0


async def _refresh_menu(services: Services, user_id: int) -> None:
    """The member's command menu, as /grant and /revoke refresh it, when a bot token is set."""
    settings = services.settings
    if settings.telegram_bot_token is None:
        print("No TELEGRAM_BOT_TOKEN: their command menu is refreshed when the bot next starts.")
        return
    token = settings.telegram_bot_token.get_secret_value()
    async with Bot(token, base_url=settings.telegram_api_base_url or TELEGRAM_API) as bot:
        published = await publish_team_menu(bot, services, user_id)
    if published:
        print(f"{user_id}: command menu refreshed")
    else:
        print(f"{user_id}: no chat with the bot yet; their menu comes when the bot next starts")
