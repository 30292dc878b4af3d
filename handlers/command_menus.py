"""Telegram's command menus: residents' in every language, and each team member's own menu."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from core.context import Services
from domain.roles import Role, can, effective_role
from handlers.menu import TEAM_COMMANDS
from handlers.residents.onboarding import resident_commands
from storage import team

log = logging.getLogger(__name__)


def menu(services: Services, language: str, role: Role | None = None) -> list[BotCommand]:
    """The commands a role sees, described in one language."""
    _ = services.catalogs.get(language)
    sms = services.settings.smpp_host is not None
    commands = [BotCommand(name, _.plain(text)) for name, text in resident_commands(sms)]
    commands += [
        BotCommand(name, _.plain(text))
        for name, text, action in TEAM_COMMANDS
        if role is not None and can(role, action)
    ]
    return commands


async def publish_resident_menus(bot: Bot, services: Services) -> None:
    """The menu in every language, and the default language's for every other client.

    The languages go out side by side: each is a round trip to Telegram before the bot starts
    taking updates and sending alerts."""
    await asyncio.gather(
        bot.set_my_commands(menu(services, services.catalogs.default)),
        *(
            bot.set_my_commands(menu(services, language), language_code=language)
            for language in services.catalogs.languages
        ),
    )


async def publish_team_menu(bot: Bot, services: Services, user_id: int) -> bool:
    """Give one team member a menu with their commands (or take it away if they have none);
    False if Telegram refused.

    Telegram keeps a menu per chat and language; a member who never opened the bot has no chat
    yet, which is not an error: their menu comes at the next start-up.
    """
    async with services.database.read() as session:
        stored = await team.role_of(session, user_id=user_id)
    return await _publish_menu(bot, services, user_id, stored)


async def _publish_menu(bot: Bot, services: Services, user_id: int, stored: Role | None) -> bool:
    role = effective_role(user_id, services.settings.admin_ids, stored)
    scope = BotCommandScopeChat(user_id)

    async def publish(language: str | None) -> object:
        if role is None:
            return await bot.delete_my_commands(scope=scope, language_code=language)
        commands = menu(services, language or services.catalogs.default, role)
        return await bot.set_my_commands(commands, scope=scope, language_code=language)

    # Side by side, as for residents' menus; every language is tried even if one is refused.
    languages = (None, *services.catalogs.languages)
    outcomes = await asyncio.gather(*map(publish, languages), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, TelegramError):
            log.info("no command menu for team member %s yet: %s", user_id, outcome.message)
            return False
        if isinstance(outcome, BaseException):
            raise outcome
    return True


async def publish_all_team_menus(bot: Bot, services: Services) -> None:
    """Every admin's and stored team member's menu (at start-up), from one read of the team."""
    async with services.database.read() as session:
        stored = {m.user_id: m.role for m in await team.list_team(session)}
    for user_id in sorted({*services.settings.admin_ids, *stored}):
        await _publish_menu(bot, services, user_id, stored.get(user_id))
