"""The scheduled poll of authorities' CAP feeds, on the application's JobQueue."""

from __future__ import annotations

from datetime import timedelta

import httpx

from core.context import Context, KhabardarApp
from ingest.cap_import import ImportPolicy, poll_feeds

CAP_POLL_JOB = "cap-poll"
# The first poll waits a little so start-up (migrations, command menus) finishes first.
FIRST_POLL_SECONDS = 30


def install_cap_polling(app: KhabardarApp) -> None:
    """Poll every CAP_FEEDS URL every CAP_POLL_MINUTES; nothing when none is configured."""
    services = app.bot_data.services
    settings = services.settings
    if not settings.cap_feeds or app.job_queue is None:
        return
    interval = timedelta(minutes=settings.cap_poll_minutes)
    poll = services.jobs.wrap(poll_cap_feeds)
    app.job_queue.run_repeating(
        poll, interval=interval, first=FIRST_POLL_SECONDS, name=CAP_POLL_JOB
    )


async def poll_cap_feeds(context: Context) -> None:
    """Read the configured CAP feeds; new alerts wait for an operator's verification."""
    services = context.services
    async with httpx.AsyncClient() as client:
        await poll_feeds(
            services.settings.cap_feeds,
            database=services.database,
            gazetteer=services.gazetteer,
            client=client,
            policy=ImportPolicy.from_settings(services.settings),
        )
