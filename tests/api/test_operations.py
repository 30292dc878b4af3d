"""/healthz, /metrics, the HTTP server beside the bot, and webhook mode."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from api.app import build_api
from api.ops_routes import SECRET_HEADER
from bot.app import build_application, build_services
from bot.http import ACCESS_LOG
from bot.runtime import Mode, running
from core.context import KhabardarApp, Services
from core.settings import Settings
from faketg import FakeTelegram
from storage import residents
from storage.db import Database
from tests.api.test_staff_api import CHAT_IDS
from tests.staff.publishing import content, publish

SECRET = "webhook-secret_0123456789"


async def test_healthz_and_metrics_of_the_running_bot(
    bot: KhabardarApp, database: Database
) -> None:
    await publish(database, content())
    async with database.transaction() as session:
        await residents.ensure_resident(session, chat_id=CHAT_IDS[0], language="en")
        await residents.subscribe(session, chat_id=CHAT_IDS[0], districts=["quetta"])
    transport = httpx.ASGITransport(app=build_api(bot.bot_data.services, bot))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        health = await client.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"database": "ok", "bot": "ok", "scheduler": "ok", "status": "ok"}
        metrics = (await client.get("/metrics")).text
    assert 'khabardar_alerts{state="verified"} 1.0' in metrics
    assert 'khabardar_district_subscribers{district="quetta"} 1.0' in metrics
    assert "khabardar_handler_errors_total" in metrics  # the process registry is included
    assert str(CHAT_IDS[0]) not in metrics


async def test_healthz_fails_when_the_bot_is_stopped(
    fake: FakeTelegram, database: Database, settings: Callable[..., Settings]
) -> None:
    config = settings(telegram_api_base_url=fake.base_url)
    app = build_application(config, _sharing(config, database))
    transport = httpx.ASGITransport(app=build_api(app.bot_data.services, app))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        health = await client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["bot"] == "stopped" and health.json()["status"] == "unhealthy"


async def test_http_server_runs_beside_the_bot(
    fake: FakeTelegram, database: Database, settings: Callable[..., Settings]
) -> None:
    config = settings(telegram_api_base_url=fake.base_url, http_port=0)
    app = build_application(config, build_services(config))
    async with running(app, poll_timeout=5), httpx.AsyncClient() as client:
        port = _bound_port(app)
        health = await client.get(f"http://127.0.0.1:{port}/healthz")
        assert health.status_code == 200
        feed = await client.get(f"http://127.0.0.1:{port}/cap/feed.atom")
        assert feed.headers["content-type"].startswith("application/atom+xml")


async def test_a_token_put_in_a_url_never_reaches_the_access_log(
    fake: FakeTelegram,
    database: Database,
    settings: Callable[..., Settings],
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = settings(telegram_api_base_url=fake.base_url, http_port=0)
    app = build_application(config, build_services(config))
    caplog.set_level(logging.INFO, logger=ACCESS_LOG)
    async with running(app, poll_timeout=5), httpx.AsyncClient() as client:
        port = _bound_port(app)
        refused = await client.get(f"http://127.0.0.1:{port}/api/v1/districts?token=s3cr3t-t0ken")
        assert refused.status_code == 401
    lines = [r.getMessage() for r in caplog.records if r.name == ACCESS_LOG]
    assert any("/api/v1/districts?…" in line and "401" in line for line in lines), lines
    assert not any("s3cr3t-t0ken" in r.getMessage() for r in caplog.records)


def _sharing(config: Settings, database: Database) -> Services:
    """Services on the test's database, which the fixture disposes of."""
    return dataclasses.replace(build_services(config), database=database)


def _bound_port(app: KhabardarApp) -> int:
    """The port the HTTP server bound (HTTP_PORT=0 asks the system for a free one)."""
    http = app.post_init.keywords["http"]  # type: ignore[union-attr]
    assert http.port is not None
    return int(http.port)


@pytest.fixture
async def webhook_app(
    fake: FakeTelegram, database: Database, settings: Callable[..., Settings]
) -> AsyncIterator[KhabardarApp]:
    """The Application started without polling, as `run --webhook` starts it."""
    config = settings(
        telegram_api_base_url=fake.base_url,
        webhook_url="https://bot.example.org/hook/telegram",
        webhook_secret=SECRET,
    )
    app = build_application(config, _sharing(config, database), mode=Mode.WEBHOOK)
    async with running(app, mode=Mode.WEBHOOK):
        yield app


async def test_webhook_checks_the_secret_and_feeds_the_bot(
    fake: FakeTelegram, webhook_app: KhabardarApp
) -> None:
    mark = fake.mark(4242)
    fake.send_text(4242, "/status Quetta")
    update = fake.state.updates[-1]  # what Telegram would post; the bot does not poll here
    transport = httpx.ASGITransport(app=build_api(webhook_app.bot_data.services, webhook_app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        missing = await client.post("/hook/telegram", json=update)
        wrong = await client.post("/hook/telegram", json=update, headers={SECRET_HEADER: "nope"})
        assert (missing.status_code, wrong.status_code) == (403, 403)
        assert fake.messages(4242) == []
        garbage = await client.post("/hook/telegram", content=b"{", headers={SECRET_HEADER: SECRET})
        assert garbage.status_code == 400
        accepted = await client.post("/hook/telegram", json=update, headers={SECRET_HEADER: SECRET})
        assert accepted.status_code == 200
    reply = await fake.wait_for_message(4242, "Quetta", after=mark)
    assert "active alerts (0)" in reply.plain


async def test_no_webhook_route_without_a_secret(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/telegram/webhook", json={"update_id": 1})
    assert response.status_code in (404, 405)
