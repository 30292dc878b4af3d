"""The composition root: builds the python-telegram-bot Application with every service wired."""

from __future__ import annotations

import logging

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults

from bot.context import BotData, Context, KhabardarApp, Services
from bot.i18n import Catalogs
from bot.settings import Settings, SettingsError
from domain.gazetteer import Gazetteer
from handlers import admin, fallback, operators, residents
from storage.db import Database
from storage.migrate import migrate

log = logging.getLogger(__name__)


def build_services(settings: Settings) -> Services:
    """The long-lived collaborators, built from settings alone."""
    gazetteer = (
        Gazetteer.load(settings.gazetteer_dir) if settings.gazetteer_dir else Gazetteer.default()
    )
    return Services(
        settings=settings,
        database=Database(settings.database_url),
        gazetteer=gazetteer,
        catalogs=Catalogs.load(settings.default_language),
    )


def build_application(settings: Settings, services: Services | None = None) -> KhabardarApp:
    """Wire PTB, storage and handlers; nothing touches the network until the app starts."""
    if settings.telegram_bot_token is None:
        raise SettingsError("Configuration error: TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .context_types(ContextTypes(context=Context, bot_data=BotData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.tz,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
    app: KhabardarApp = builder.build()
    app.bot_data.attach(services or build_services(settings))
    # The one ordered list of handlers: specific audiences first, catch-alls last.
    operators.register(app)
    admin.register(app)
    residents.register(app)
    residents.register_free_text(app)
    fallback.register(app)
    return app


async def _post_init(app: KhabardarApp) -> None:
    services = app.bot_data.services
    await migrate(services.database)
    await publish_commands(app)


async def _post_shutdown(app: KhabardarApp) -> None:
    await app.bot_data.services.database.dispose()


async def publish_commands(app: KhabardarApp) -> None:
    """Register the command menu in every language, and the default language for all others."""
    catalogs = app.bot_data.services.catalogs

    def menu(language: str) -> list[BotCommand]:
        _ = catalogs.get(language)
        return [BotCommand(name, _.plain(text)) for name, text in residents.COMMANDS]

    await app.bot.set_my_commands(menu(catalogs.default))
    for language in catalogs.languages:
        await app.bot.set_my_commands(menu(language), language_code=language)
