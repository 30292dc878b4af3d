"""The leases one sender holds: which claimed rows are still in its hands, their heartbeat,
and whether they are surely still its own to send."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from core.errors import database_reason, database_weather
from storage import delivery_queue
from storage.db import Database

log = logging.getLogger(__name__)


class Leases:
    """Rows claimed and not yet recorded, renewed together every third of the lease."""

    def __init__(self, database: Database, *, owner: str, lease: timedelta) -> None:
        self.database, self.owner, self.lease = database, owner, lease
        self._held: set[int] = set()
        self._renewed = 0.0  # loop time of the last renewal the database confirmed
        self._dropping = False  # rows are being left to run out (logged once per episode)
        # Recording and renewing update the same rows in different orders: run side by side
        # on PostgreSQL, each could wait for the other's row locks (a deadlock). The sender's
        # recorder takes this lock too.
        self.lock = asyncio.Lock()

    def start(self, recording: Iterable[int]) -> None:
        """A new run: what it still has to record is in hand, nothing else."""
        self._held = set(recording)
        self._dropping = False
        self._renewed = asyncio.get_running_loop().time()

    def claimed(self, ids: Iterable[int]) -> None:
        """Rows this sender now holds."""
        self._held.update(ids)

    def recorded(self, ids: Iterable[int]) -> None:
        """Rows whose outcome is written: no longer this sender's to renew."""
        self._held.difference_update(ids)

    def hold(self) -> bool:
        """Whether the rows in hand are surely still this worker's: a renewal (every third of
        the lease) succeeded within two thirds of it, so their leases have a third left."""
        elapsed = asyncio.get_running_loop().time() - self._renewed
        return elapsed < self.lease.total_seconds() * 2 / 3

    def drop(self, row_id: int) -> None:
        """Leave a row to run out: it may be another worker's soon, so it is not sent here."""
        self._held.discard(row_id)
        if not self._dropping:
            self._dropping = True
            log.warning("delivery leases unrenewed too long: leaving rows to run out")

    async def renew(self) -> None:
        """One heartbeat for every row in hand; a failure is logged and tried next time."""
        started = asyncio.get_running_loop().time()
        if not self._held:
            self._renewed = started
            return
        try:
            async with self.lock, self.database.transaction() as session:
                now = datetime.now(UTC)
                await delivery_queue.renew_leases(
                    session, owner=self.owner, ids=set(self._held), until=now + self.lease
                )
            self._renewed = started
            self._dropping = False
        except Exception as exc:
            if not database_weather(exc):
                log.exception("could not renew delivery leases")
            else:
                log.warning("could not renew delivery leases: %s", database_reason(exc))
