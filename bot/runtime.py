"""Starting and stopping the Application outside run_polling (demo, tests, benchmarks)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.context import KhabardarApp


@asynccontextmanager
async def running(app: KhabardarApp, *, poll_timeout: float = 10.0) -> AsyncIterator[KhabardarApp]:
    """Run the app with long polling for the duration of the block, hooks included.

    PTB calls post_init/post_shutdown only from run_polling(); this does the same steps in the
    same order so the demo and the tests exercise exactly what production runs.
    """
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=int(poll_timeout))
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
