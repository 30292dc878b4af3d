"""How the composition root plugs the delivery engine into python-telegram-bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import (  # type: ignore[import-untyped]
    EVENT_SCHEDULER_SHUTDOWN,
    SchedulerEvent,
)
from telegram.ext import ApplicationBuilder, CallbackContext, ExtBot, JobQueue

from core.context import BotData, Context, KhabardarApp, Services
from delivery.budget import telegram_budgets
from delivery.channels import refresh_member_counts
from delivery.engine import JOB_KWARGS, DeliveryEngine
from delivery.http import AiohttpRequest
from delivery.limiter import PriorityRateLimiter
from delivery.progress import progress_tick
from delivery.quiet_notes import quiet_note_tick

# What build_application's builder is once context types are set (PTB's JobQueue type
# parameter keeps its default context there).
_DefaultContext = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
Builder = ApplicationBuilder[
    ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, JobQueue[_DefaultContext]
]
DISPATCH_JOB = "delivery-dispatch"
# Spare connections beyond the fan-out's, so a reply never queues behind bulk sends.
INTERACTIVE_CONNECTIONS = 8
# How often to look for channel member counts older than their few minutes (cheap when none).
CHANNEL_COUNT_INTERVAL = timedelta(minutes=1)


def configure_builder(builder: Builder, services: Services) -> Builder:
    """Every request shares one priority-aware budget (on PostgreSQL, with every process of
    the bot), over aiohttp's keep-alive pool; every answer from Telegram is noted (staff see
    when the bot last reached it)."""
    settings = services.settings
    pool = settings.delivery_concurrency + INTERACTIVE_CONNECTIONS
    budget, paid = telegram_budgets(
        rate=settings.delivery_rate,
        paid_broadcast=settings.paid_broadcast,
        database=services.database,
    )
    limiter = PriorityRateLimiter(
        settings.delivery_rate, policy=services.delivery, budget=budget, paid=paid
    )
    reached = services.metrics.reached_telegram
    # Long polling gets a connection of its own (a reply never waits for it), on aiohttp too:
    # httpx cost three times the CPU per getUpdates (1.3-1.6 ms against 0.45-0.49 ms).
    return (
        builder.request(AiohttpRequest(pool_size=pool, on_answer=reached))
        .get_updates_request(AiohttpRequest(pool_size=1, on_answer=reached))
        .rate_limiter(limiter)
    )


def install_delivery(app: KhabardarApp) -> DeliveryEngine:
    """Schedule the delivery ticks on the app's JobQueue (they start with the app)."""
    job_queue = app.job_queue
    if job_queue is None:
        raise RuntimeError("the delivery engine needs python-telegram-bot[job-queue]")
    policy = app.bot_data.services.delivery
    engine = DeliveryEngine(app, policy)
    guard = app.bot_data.services.jobs
    limiter = app.bot.rate_limiter
    if isinstance(limiter, PriorityRateLimiter):
        limiter.on_throttled = app.bot_data.services.metrics.throttled.inc
    jobs = [
        (engine.dispatch, policy.dispatch_interval, DISPATCH_JOB),
        (progress_tick, policy.progress_interval, "delivery-progress"),
        (engine.expire, policy.expiry_interval, "delivery-expiry"),
        (engine.quiet_hours, policy.quiet_hours_interval, "delivery-quiet-hours"),
        (engine.retention, policy.retention_interval, "delivery-retention"),
        (refresh_member_counts, CHANNEL_COUNT_INTERVAL, "channel-member-counts"),
        (quiet_note_tick, policy.quiet_note_interval, "quiet-notes"),
    ]
    for callback, interval, name in jobs:
        # PTB's first=0 does not run a job at once (APScheduler counts from when it was added,
        # and the scheduler starts later, so the first run slips a whole interval). A worker
        # restarted mid fan-out must resume at once, so dispatch is given its first run time
        # outright; the other ticks may wait their interval.
        first: dict[str, object] = {"next_run_time": datetime.now(UTC)}
        kwargs = {**JOB_KWARGS, **first} if name == DISPATCH_JOB else JOB_KWARGS
        job_queue.run_repeating(
            guard.wrap(callback), interval, name=name, data=engine, job_kwargs=kwargs
        )

    if engine.sms is not None:
        job_queue.run_once(guard.wrap(engine.start_sms), 0, name="sms-start", job_kwargs=JOB_KWARGS)

    # app.stop() stops the JobQueue, then awaits tasks made with create_task: stopping the
    # sender here lets it finish in-flight sends and hand back the rest before the bot closes.
    def on_shutdown(_event: SchedulerEvent) -> None:
        engine.stop()

    job_queue.scheduler.add_listener(on_shutdown, EVENT_SCHEDULER_SHUTDOWN)

    # A second operator's approval wakes the dispatcher at once; the tick is only the safety net.
    async def on_verified(_identifier: str) -> None:
        wake_dispatch(app)

    app.bot_data.services.verified_hooks.append(on_verified)
    return engine


def engine_of(app: KhabardarApp) -> DeliveryEngine | None:
    """The engine install_delivery() put on this app, if any."""
    job_queue = app.job_queue
    jobs = job_queue.get_jobs_by_name(DISPATCH_JOB) if job_queue else ()
    engine = jobs[0].data if jobs else None
    return engine if isinstance(engine, DeliveryEngine) else None


def wake_dispatch(app: KhabardarApp) -> None:
    """Plan and send now: call after an alert is verified (its transaction committed)."""
    engine = engine_of(app)
    if engine is not None and app.job_queue is not None:
        dispatch = app.bot_data.services.jobs.wrap(engine.dispatch)
        app.job_queue.run_once(dispatch, 0, name="delivery-wake", job_kwargs=JOB_KWARGS)
