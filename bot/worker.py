"""A delivery-only worker process: `python -m bot.worker`.

It runs the delivery engine's ticks and sender without polling Telegram for updates, so on
PostgreSQL several of them can share the outbox beside the one process that runs the bot.
Configuration is the bot's (the same environment variables). Stops on SIGTERM or SIGINT,
finishing in-flight sends and handing back the rest.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys


async def run_worker() -> int:
    """Run until a termination signal; returns the exit status."""
    from bot.app import build_application
    from core.settings import SettingsError, load_settings
    from storage.migrate import migrate

    try:
        settings = load_settings()
        app = build_application(settings)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    database = app.bot_data.services.database
    await migrate(database)
    async with app:  # initialize … shutdown
        await app.start()  # the JobQueue, hence the delivery ticks; no updater
        logging.getLogger(__name__).info("delivery worker running")
        await stop.wait()
        await app.stop()
        await app.bot_data.services.jobs.drain()
    await database.dispose()
    return 0


def main() -> None:
    """Entry point."""
    # PTB 22 reports durations as timedeltas when asked to (RetryAfter included); the int form
    # is deprecated. Opt in before telegram is imported, as main.py does.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sys.exit(asyncio.run(run_worker()))


if __name__ == "__main__":
    main()
