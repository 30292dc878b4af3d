"""Serving the HTTP application inside the bot's event loop, and running the bot by webhook."""

from __future__ import annotations

import asyncio
import logging
import signal

import uvicorn

from api.app import build_api
from core.context import KhabardarApp

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]


class HttpServer:
    """uvicorn on the bot's own loop: started after migrations, stopped before the database."""

    def __init__(self) -> None:
        self._server: uvicorn.Server | None = None

    @property
    def port(self) -> int | None:
        """The bound port (useful when HTTP_PORT is 0), once started."""
        if self._server is None or not self._server.servers:
            return None
        return int(self._server.servers[0].sockets[0].getsockname()[1])

    async def start(self, app: KhabardarApp) -> None:
        """Bind HTTP_HOST:HTTP_PORT and serve; nothing when HTTP_PORT is not set."""
        settings = app.bot_data.services.settings
        if settings.http_port is None:
            return
        config = uvicorn.Config(
            build_api(app.bot_data.services, app),
            host=settings.http_host,
            port=settings.http_port,
            lifespan="off",
            log_config=None,  # the process's logging, as configured by main.py
            server_header=False,
        )
        server = uvicorn.Server(config)
        config.load()
        server.lifespan = config.lifespan_class(config)
        # startup() binds and accepts; serve() would also install signal handlers that belong
        # to PTB's run_polling.
        await server.startup()
        self._server = server
        log.info("HTTP API on %s:%s", settings.http_host, self.port)

    async def stop(self) -> None:
        """Stop accepting, and let requests in flight finish."""
        if self._server is not None:
            await self._server.shutdown()
            self._server = None


async def run_webhook(app: KhabardarApp) -> None:
    """Run the bot with Telegram posting updates to WEBHOOK_URL until SIGINT or SIGTERM."""
    settings = app.bot_data.services.settings
    assert settings.webhook_url and settings.webhook_secret and settings.http_port is not None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)  # migrations, then the HTTP server with the webhook route
        await app.start()
        await app.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=ALLOWED_UPDATES,
        )
        log.info("webhook set; waiting for updates")
        await stop.wait()
        await app.stop()
        if app.post_stop:
            await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
