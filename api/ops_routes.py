"""Operations: /healthz, /metrics (Prometheus) and the Telegram webhook."""

from __future__ import annotations

import hmac
import json
import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest
from sqlalchemy import text
from telegram import Update

from api.deps import ServicesDep, TelegramDep
from storage.residents import count_subscribers_by_district
from storage.status_queries import count_alerts_by_state, count_deliveries_by_outcome

log = logging.getLogger(__name__)
router = APIRouter(tags=["operations"])
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_UPDATE_BYTES = 1024 * 1024  # Telegram's updates are a few kB


@router.get("/healthz")
async def healthz(services: ServicesDep, telegram: TelegramDep) -> JSONResponse:
    """200 when the database answers and the bot and its scheduler run; 503 otherwise."""
    checks: dict[str, str] = {}
    try:
        async with services.database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # a health check reports any failure, it does not raise it
        checks["database"] = f"unreachable: {type(exc).__name__}"
    if telegram is not None:
        checks["bot"] = "ok" if telegram.running else "stopped"
        queue = telegram.job_queue
        running = queue is not None and queue.scheduler.running
        checks["scheduler"] = "ok" if running else "stopped"
    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(
        checks | {"status": "ok" if healthy else "unhealthy"}, 200 if healthy else 503
    )


@router.get("/metrics", response_class=Response)
async def metrics(services: ServicesDep) -> Response:
    """The process's counters plus gauges read from the database at scrape time."""
    snapshot = CollectorRegistry()
    alerts = Gauge("khabardar_alerts", "Alerts by lifecycle state", ["state"], registry=snapshot)
    subscribers = Gauge(
        "khabardar_district_subscribers",
        "Residents following a district",
        ["district"],
        registry=snapshot,
    )
    outbox = Gauge(
        "khabardar_delivery_outbox",
        "Delivery rows by state (queue depth: pending + claimed)",
        ["state"],
        registry=snapshot,
    )
    async with services.database.read() as session:
        for state, count in (await count_alerts_by_state(session)).items():
            alerts.labels(state).set(count)
        for district, count in (await count_subscribers_by_district(session)).items():
            subscribers.labels(district).set(count)
        for state, count in ((await count_deliveries_by_outcome(session)) or {}).items():
            outbox.labels(state).set(count)
    body = generate_latest(services.metrics.registry) + generate_latest(snapshot)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


async def telegram_webhook(
    request: Request, services: ServicesDep, telegram: TelegramDep
) -> Response:
    """Hand an update Telegram posted to the bot, if it carries the secret we gave Telegram."""
    secret = services.settings.webhook_secret
    if telegram is None or secret is None:
        return Response(status_code=404)
    presented = request.headers.get(SECRET_HEADER, "").encode()
    if not hmac.compare_digest(presented, secret.get_secret_value().encode()):
        log.warning("webhook request refused: wrong or missing secret token")
        return Response(status_code=403)
    body = await request.body()
    if len(body) > MAX_UPDATE_BYTES:
        return Response(status_code=413)
    try:
        update = Update.de_json(json.loads(body), telegram.bot)
    except (ValueError, TypeError, KeyError):
        return Response(status_code=400)
    await telegram.update_queue.put(update)
    return Response(status_code=200)
