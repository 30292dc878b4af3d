"""Serving the HTTP application (API, feeds, health, metrics, webhook) inside the bot's loop."""

from __future__ import annotations

import logging

import uvicorn

from core.context import KhabardarApp

log = logging.getLogger(__name__)
ACCESS_LOG = "uvicorn.access"


class RedactQueryStrings(logging.Filter):
    """Drop query strings from access-log lines: a token someone put in a URL stays out of logs.

    uvicorn logs `client - "METHOD path?query HTTP/x" status` with the path as the third
    argument; the API never needs a query string to be read back from a log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's path argument without its query string."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, _sep, _query = args[2].partition("?")
            record.args = (*args[:2], path + ("?…" if _sep else ""), *args[3:])
        return True


_REDACTION = RedactQueryStrings()


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
        # FastAPI and the routes load only where HTTP is served: a delivery worker (no
        # HTTP_PORT) starts a quarter of a second sooner without them.
        from api.app import build_api

        config = uvicorn.Config(
            build_api(app.bot_data.services, app),
            host=settings.http_host,
            port=settings.http_port,
            lifespan="off",
            log_config=None,  # the process's logging, as configured by main.py
            server_header=False,
        )
        # Idempotent: a filter already on the logger is not added twice.
        logging.getLogger(ACCESS_LOG).addFilter(_REDACTION)
        server = uvicorn.Server(config)
        config.load()
        server.lifespan = config.lifespan_class(config)
        # startup() binds and accepts; serve() would also install signal handlers, which belong
        # to bot.runtime.serve.
        await server.startup()
        self._server = server
        log.info("HTTP API on %s:%s", settings.http_host, self.port)

    async def stop(self) -> None:
        """Stop accepting, and let requests in flight finish."""
        if self._server is not None:
            await self._server.shutdown()
            self._server = None
