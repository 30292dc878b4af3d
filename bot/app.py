"""The composition root: builds the python-telegram-bot Application with every service wired."""

from __future__ import annotations

import functools
import logging
from datetime import timedelta

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults

from bot.http import HttpServer
from bot.runtime import Mode
from core.context import BotData, Context, KhabardarApp, Services
from core.i18n import Catalogs
from core.settings import Settings, SettingsError
from core.telegram_logs import quiet_telegram_request_logs
from delivery.wiring import configure_builder, install_delivery
from domain.delivery.policy import DeliveryPolicy
from domain.gazetteer import Gazetteer
from handlers import admin, channels, delivery, fallback, operators, residents, staff
from handlers.command_menus import publish_all_team_menus, publish_resident_menus
from ingest.schedule import install_cap_polling
from storage.db import Database
from storage.migrate import migrate

log = logging.getLogger(__name__)


def build_services(
    settings: Settings,
    *,
    delivery: DeliveryPolicy | None = None,
    database: Database | None = None,
) -> Services:
    """The long-lived collaborators, built from settings.

    Tests pass faster delivery waits, and the Database they keep for the whole run: its engine
    keeps SQLAlchemy's compiled statements from test to test (the app still closes its
    connections when it shuts down).
    """
    gazetteer = (
        Gazetteer.load(settings.gazetteer_dir) if settings.gazetteer_dir else Gazetteer.default()
    )
    if delivery is None:
        delivery = DeliveryPolicy(lease=timedelta(seconds=settings.delivery_lease_seconds))
    return Services(
        settings=settings,
        database=database or Database(settings.database_url),
        gazetteer=gazetteer,
        catalogs=Catalogs.load(settings.default_language),
        delivery=delivery,
    )


def build_application(
    settings: Settings, services: Services | None = None, *, mode: Mode = Mode.EMBEDDED
) -> KhabardarApp:
    """Wire PTB, storage and handlers; nothing touches the network until the app starts."""
    if settings.telegram_bot_token is None:
        raise SettingsError("Configuration error: TELEGRAM_BOT_TOKEN is not set")
    http = HttpServer()  # the API, CAP feeds, /healthz, /metrics and the webhook, if HTTP_PORT
    quiet_telegram_request_logs()  # a 5xx's HTML body is a warning, not a traceback
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
        .post_init(functools.partial(_post_init, http=http, mode=mode))
        .post_stop(_post_stop)
        .post_shutdown(functools.partial(_post_shutdown, http=http))
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
    services = services or build_services(settings)
    # One paced send budget, lean HTTP.
    builder = configure_builder(builder, services)
    app: KhabardarApp = builder.build()
    app.bot_data.attach(services)
    install_delivery(app)  # dispatch, expiry, quiet-hours and progress ticks
    install_cap_polling(app)  # CAP_FEEDS, if any
    # The one ordered list of handlers: specific audiences first, catch-alls last.
    operators.register(app)
    admin.register(app)
    channels.register(app)
    staff.register(app)
    residents.register(app)
    delivery.register(app)
    residents.register_free_text(app)
    fallback.register(app)
    return app


async def _post_init(app: KhabardarApp, *, http: HttpServer, mode: Mode) -> None:
    services = app.bot_data.services
    await migrate(services.database)
    if mode is Mode.WORKER:
        return  # a delivery worker neither serves HTTP nor speaks for the bot's menus
    await http.start(app)
    await publish_commands(app)


async def _post_stop(app: KhabardarApp) -> None:
    # Ticks the JobQueue's shutdown interrupted are still finishing their transactions.
    await app.bot_data.services.jobs.drain()


async def _post_shutdown(app: KhabardarApp, *, http: HttpServer) -> None:
    await http.stop()
    await app.bot_data.services.database.dispose()


async def publish_commands(app: KhabardarApp) -> None:
    """Register the residents' command menus, and each team member's own."""
    services = app.bot_data.services
    await publish_resident_menus(app.bot, services)
    await publish_all_team_menus(app.bot, services)
