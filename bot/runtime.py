"""The one lifecycle of every process: polling, webhook, delivery worker, and in-process runs.

python-telegram-bot runs its hooks only inside run_polling()/run_webhook(), whose webhook
server we do not use (the webhook is a route of our own HTTP server) and which own the event
loop. So Khabardar drives the same steps itself, in the order PTB's Application.__run uses:
initialize → post_init → (start polling | set the webhook) → start → … → stop the updater if
it runs → stop if running → post_stop → shutdown → post_shutdown. The `running` guards make a
failure at any step unwind only what had started ("This Application is still running!" is
what PTB says when shutdown() follows a start() that was never stopped).
"""

from __future__ import annotations

import asyncio
import enum
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.error import TelegramError

from core.context import KhabardarApp

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]


class Mode(enum.Enum):
    """How a process receives updates (or does not)."""

    POLLING = "polling"  # `main.py run`: long polling getUpdates
    WEBHOOK = "webhook"  # `main.py run --webhook`: Telegram posts to our HTTP server
    WORKER = "worker"  # `main.py worker`: delivery ticks and sender only, no updates
    EMBEDDED = "embedded"  # tests, demo, benchmarks: polling a fake, inside a running loop


@asynccontextmanager
async def running(
    app: KhabardarApp, *, mode: Mode = Mode.EMBEDDED, poll_timeout: float = 10.0
) -> AsyncIterator[KhabardarApp]:
    """Run the app in this mode for the duration of the block, hooks included."""
    try:
        await app.initialize()
    except BaseException:
        # A failed initialize (a rejected token) leaves the requests open and shutdown() does
        # nothing for an app that never initialized: close the fan-out's connection pool here.
        await app.bot.request.shutdown()
        raise
    try:
        if app.post_init:
            await app.post_init(app)  # migrations, the HTTP server, command menus
        await _receive_updates(app, mode, poll_timeout=poll_timeout)
        await app.start()  # handlers, the JobQueue (so the delivery ticks), the sender
        yield app
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


async def _receive_updates(app: KhabardarApp, mode: Mode, *, poll_timeout: float) -> None:
    if mode is Mode.WORKER:
        return
    if mode is Mode.WEBHOOK:
        settings = app.bot_data.services.settings
        assert settings.webhook_url and settings.webhook_secret
        await app.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=ALLOWED_UPDATES,
        )
        log.info("webhook set; waiting for updates")
        return
    assert app.updater is not None
    metrics = app.bot_data.services.metrics

    def polling_failed(error: TelegramError) -> None:
        # The updater retries on its own; without this callback it logs a traceback each time.
        metrics.network_errors.labels(where="polling").inc()
        log.warning("polling Telegram failed, retrying: %s: %s", type(error).__name__, error)

    # start_polling deletes a webhook left from an earlier `run --webhook` before it polls.
    await app.updater.start_polling(
        poll_interval=0.0,
        timeout=int(poll_timeout),
        allowed_updates=ALLOWED_UPDATES,
        error_callback=polling_failed,
    )


async def serve(app: KhabardarApp, mode: Mode, *, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT or SIGTERM (or `stop` is set): the production entry for every mode."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with running(app, mode=mode):
            log.info("running (%s)", mode.value)
            await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
