"""The HTTP application on the test database, called in-process through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from api.app import build_api
from api.auth import token_hash
from core.context import Services
from core.i18n import Catalogs
from core.settings import Settings
from domain.gazetteer import Gazetteer
from storage.db import Database

STAFF_TOKEN = "staff-token-7f3a9c1e2d"
ADMIN_TOKEN = "admin-token-5b8e0d4f6a"


@pytest.fixture
def services(database: Database, settings: Callable[..., Settings]) -> Services:
    """Services with one staff and one admin token configured (by their hashes)."""
    config = settings(
        api_tokens={"ocha": token_hash(STAFF_TOKEN)},
        api_admin_tokens={"ops": token_hash(ADMIN_TOKEN)},
        public_url="https://alerts.example.org",
    )
    return Services(
        settings=config,
        database=database,
        gazetteer=Gazetteer.default(),
        catalogs=Catalogs.load(),
    )


@pytest.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the API in-process (no port)."""
    transport = httpx.ASGITransport(app=build_api(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}
