"""The HTTP application: the staff API, CAP feeds, health, metrics and the Telegram webhook."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI

from api import cap_routes, ops_routes, partner_routes, staff_routes
from core.context import KhabardarApp, Services

DEFAULT_WEBHOOK_PATH = "/telegram/webhook"
DESCRIPTION = """
Verified alerts for Balochistan, for NGO staff and alert aggregators.

* `/api/v1/…` needs `Authorization: Bearer <token>`; `/api/v1/audit` needs an admin token.
* `/cap/…` is public: CAP 1.2 documents and Atom feeds of published (verified, real) alerts.
* Subscriber figures are counts per district. No endpoint lists residents.
"""


def webhook_path(services: Services) -> str:
    """The path Telegram posts to: that of WEBHOOK_URL."""
    url = services.settings.webhook_url
    return (urlsplit(url).path if url else "") or DEFAULT_WEBHOOK_PATH


def build_api(services: Services, telegram: KhabardarApp | None = None) -> FastAPI:
    """The ASGI app over these services; with the bot's Application, also health and webhook."""
    api = FastAPI(
        title="Khabardar API",
        version="1",
        description=DESCRIPTION,
        # The interactive pages load scripts from a CDN; the OpenAPI document itself is served.
        docs_url=None,
        redoc_url=None,
    )
    api.state.services = services
    api.state.telegram = telegram
    api.include_router(staff_routes.router)
    api.include_router(partner_routes.router)
    api.include_router(cap_routes.router)
    api.include_router(ops_routes.router)
    if telegram is not None and services.settings.webhook_secret is not None:
        api.add_api_route(
            webhook_path(services),
            ops_routes.telegram_webhook,
            methods=["POST"],
            include_in_schema=False,
        )
    return api
