"""When the rows a sender recorded itself fall due again, so that an idle sender claims them then.

A sender that finds nothing to claim sleeps until it is woken (a new alert's rows) or for
`idle_poll` (1 s in production), its look for rows that fell due. Rows it recorded itself (a
retry after its backoff, a deferred edit, a chat's next message held back by the chat's gap)
have a known moment; waiting for the next look sent them up to a whole poll late.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Iterable
from datetime import UTC, datetime

from delivery.events import first_of
from domain.delivery.policy import DeliveryPolicy

MARGIN = 0.001  # seconds past its moment: the claim compares with a clock reading of its own


class DueTimes:
    """The moments known rows fall due (a heap of event-loop times), and the idle sleep they
    shorten. One per sender; the sender's lanes share it."""

    def __init__(self, wake: asyncio.Event, policy: DeliveryPolicy) -> None:
        self.wake = wake
        self.policy = policy
        self._due: list[float] = []
        self._sleeping: list[float] = []  # when each sleeping lane wakes

    def note(self, moments: Iterable[datetime]) -> None:
        """Rows fall due at these moments; a sleeping sender that would sleep past the first is
        woken to sleep less (an awake one looks before it sleeps)."""
        loop_now, now = asyncio.get_running_loop().time(), datetime.now(UTC)
        # Moments more than a look ago were claimed, or the next look finds their rows: a
        # sender that never idles (a long fan-out) would otherwise keep every one.
        horizon = loop_now - self.policy.idle_poll.total_seconds()
        while self._due and self._due[0] < horizon:
            heapq.heappop(self._due)
        for moment in moments:
            heapq.heappush(self._due, loop_now + (moment - now).total_seconds() + MARGIN)
        if self._due and self._sleeping and self._due[0] < min(self._sleeping):
            self.wake.set()

    async def sleep(self, *events: asyncio.Event) -> None:
        """Sleep until one of `events` is set or the next known row falls due: at least
        due_batching (rows due close together are claimed together, so a storm of retries is
        not a claim per row), at most idle_poll (rows other workers recorded come with the
        poll)."""
        loop = asyncio.get_running_loop()
        wait = self.seconds_to_sleep(loop.time())
        if wait <= 0:
            return
        until = loop.time() + wait
        self._sleeping.append(until)
        try:
            await first_of(*events, timeout=wait)
        finally:
            self._sleeping.remove(until)

    def seconds_to_sleep(self, now: float) -> float:
        """How long a sleep starting at `now` (an event-loop time) lasts, at most; a moment that
        has passed is used up by the claim that follows."""
        if self._due and self._due[0] <= now:
            while self._due and self._due[0] <= now:
                heapq.heappop(self._due)
            return 0.0  # one fell due since the last claim: claim again at once
        wait = self.policy.idle_poll.total_seconds()
        if not self._due:
            return wait
        return min(wait, max(self._due[0] - now, self.policy.due_batching.total_seconds()))
