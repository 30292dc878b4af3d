"""The HTTP side: a Starlette app served by uvicorn inside the caller's event loop."""

from __future__ import annotations

import asyncio
import json
import logging

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from faketg.api import BotApi
from faketg.errors import ApiError
from faketg.params import parse_body

log = logging.getLogger(__name__)
_GRACE_SECONDS = 3
_INTERNAL = b'{"ok":false,"error_code":500,"description":"Internal Server Error"}'
_UNAUTHORIZED = b'{"ok":false,"error_code":401,"description":"Unauthorized"}'


def bot_api_route(token: str, api: BotApi) -> Route:
    """``/bot<token>/<method>`` for GET and POST, as api.telegram.org serves it."""

    async def endpoint(request: Request) -> Response:
        if request.path_params["token"] != token:
            api.ctx.stats.count_status(401)
            return Response(_UNAUTHORIZED, 401, media_type="application/json")
        body = await request.body()
        try:
            params = parse_body(
                request.headers.get("content-type", ""),
                body,
                request.scope["query_string"].decode("latin-1"),
            )
            status, payload, content_type = await api.call(request.path_params["method"], params)
        except ApiError as exc:
            return Response(json.dumps(exc.payload()), exc.code, media_type="application/json")
        except Exception:  # a bug in the fake: answer like Telegram's own 500, and say so
            log.exception("faketg failed on %s", request.path_params["method"])
            return Response(_INTERNAL, 500, media_type="application/json")
        return Response(payload, status, media_type=content_type)

    return Route("/bot{token}/{method}", endpoint, methods=["GET", "POST"])


def build_app(token: str, api: BotApi, extra_routes: list[BaseRoute]) -> Starlette:
    """The whole ASGI app: Bot API plus the /_fake control routes."""
    return Starlette(routes=[bot_api_route(token, api), *extra_routes])


class UvicornRunner:
    """Start/stop a uvicorn server as tasks of the running loop (no threads, no signals).

    uvicorn.Server.serve() would install SIGINT/SIGTERM handlers and run its own
    tick loop; for an embedded test server we only need startup() and shutdown().
    """

    def __init__(self, app: Starlette, host: str, port: int, http: str = "auto") -> None:
        self.config = uvicorn.Config(
            app,
            host=host,
            port=port,
            http=http,
            ws="none",
            lifespan="off",
            log_config=None,
            access_log=False,
            server_header=False,
            date_header=False,
            timeout_graceful_shutdown=_GRACE_SECONDS,
            timeout_keep_alive=30,
            backlog=4096,
        )
        self.server = uvicorn.Server(self.config)
        self.port = port

    async def start(self) -> int:
        """Bind and start accepting; returns the bound port (useful with port=0)."""
        config = self.config
        config.load()
        self.server.lifespan = config.lifespan_class(config)
        await self.server.startup()
        sockets = self.server.servers[0].sockets
        self.port = int(sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        """Close the listener, then each connection once its response is out.

        Same steps as uvicorn.Server.shutdown() minus its fixed 0.1 s sleep,
        which would otherwise be paid by every test that starts a fake.
        """
        server = self.server
        if not server.started:
            return
        server.started = False
        server.should_exit = True
        for listener in server.servers:
            listener.close()
        state = server.server_state
        for connection in list(state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _GRACE_SECONDS
        # uvicorn exposes no "all closed" event; transports close on later loop iterations
        while (state.connections or state.tasks) and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.002)
        for task in list(state.tasks):
            task.cancel()
        for listener in server.servers:
            await listener.wait_closed()
