"""The fan-out pipeline of one worker: claim leased batches, send through PTB, record outcomes.

At most `concurrency` sends are in flight and at most `RECORD_BATCH` finished sends wait to be
recorded; a crash can therefore repeat at most concurrency + RECORD_BATCH messages that
Telegram had accepted (the duplicate bound in the README). Rows claimed but not yet sent are
simply retried.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot

from core.metrics import Metrics
from delivery.attempts import NO_COPY_ROW, Attempts, Copy
from delivery.compose import AlertBook
from delivery.due import DueTimes
from delivery.events import first_of
from delivery.leases import Leases
from delivery.limiter import PriorityRateLimiter
from delivery.outcomes import Result
from domain.delivery.attention import rings
from domain.delivery.policy import DeliveryPolicy
from domain.delivery.rules import (
    CHANNEL_KINDS,
    EDIT_OF,
    REFERS_TO,
    Failure,
    Kind,
    State,
    after_failure,
)
from storage import delivery_queue, delivery_upkeep, mutes
from storage.db import Database
from storage.delivery_queue import Claimed

log = logging.getLogger(__name__)
RECORD_BATCH = 64
RECORD_INTERVAL = 0.05  # seconds: a send is recorded within this, or when a batch fills up
# Claimed rows kept ready for the senders: at least this much sending at the bot's rate. A
# claim can wait some tens of milliseconds for SQLite's write lock (a record, a tick); with only
# `concurrency` rows ready, paid broadcast's 1,000/s ran dry in that wait several times a second.
QUEUE_AHEAD = 0.06
Job = tuple[Claimed, Copy, bool]  # a row, the copy it edits, and whether to send it silently


class Sender:
    """Drains the outbox while woken; one per worker process."""

    def __init__(
        self,
        *,
        bot: Bot,
        database: Database,
        book: AlertBook,
        metrics: Metrics,
        owner: str,
        concurrency: int,
        policy: DeliveryPolicy,
        paid_broadcast: bool,
    ) -> None:
        self.bot, self.database, self.book, self.metrics = bot, database, book, metrics
        self.attempts = Attempts(bot, self.limiter, book, paid_broadcast=paid_broadcast)
        self.owner = owner
        self.concurrency = concurrency
        rate = self.limiter.rate if self.limiter else 0.0
        self._ready = max(concurrency, math.ceil(rate * QUEUE_AHEAD))  # claim below this many
        self.policy = policy
        self.lease = policy.lease
        self.wake = asyncio.Event()
        self.stop = asyncio.Event()
        self._queue: asyncio.Queue[Job | None] = asyncio.Queue()
        self._hungry = asyncio.Event()
        self._results: list[Result] = []
        self._room = asyncio.Semaphore(RECORD_BATCH)
        self._flush_soon = asyncio.Event()
        self._done = asyncio.Event()  # the helpers' own stop, set once the workers are done
        self.due = DueTimes(self.wake, policy)
        self.leases = Leases(database, owner=owner, lease=policy.lease)
        self._rng = random.Random()  # noqa: S311 - jitter, not security
        # Several workers (PostgreSQL): the per-chat spacing is kept at claim time as well.
        self._chat_gaps = (
            None
            if database.is_sqlite
            else (policy.private_chat_interval, policy.group_chat_interval)
        )

    @property
    def limiter(self) -> PriorityRateLimiter | None:
        """The bot's rate limiter, to hold claims back during a 429 pause."""
        found = getattr(self.bot, "rate_limiter", None)
        return found if isinstance(found, PriorityRateLimiter) else None

    async def run(self) -> None:
        """Claim and send until stopped; then finish in-flight sends and hand back the rest.

        The engine runs it again after a failure (a database error in a claim): each run
        starts with its own queue and its helpers' stop cleared, or the recorder and the
        heartbeat of the new run would return at once and its senders stall.
        """
        self._queue = asyncio.Queue()
        self._done.clear()
        # A run that failed handed its claims back (or they run out); results it could not
        # record are still this worker's to write.
        self.leases.start(r.row.id for r in self._results)
        workers = [asyncio.create_task(self._work()) for _ in range(self.concurrency)]
        helpers = [asyncio.create_task(self._record_loop()), asyncio.create_task(self._renew())]
        try:
            await self._claim_loop()
        finally:
            while not self._queue.empty():
                self._queue.get_nowait()  # not started: release_claims hands them back
            for _ in workers:
                self._queue.put_nowait(None)
            # Workers finish their sends. One still blocked after a lease (waiting for results
            # to be recorded while the database is away) is given up: its rows could be another
            # worker's by then anyway, and the process must be able to stop.
            _finished, stuck = await asyncio.wait(workers, timeout=self.lease.total_seconds())
            for task in stuck:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            # Helpers finish their current write and return; cancelling one inside a database
            # transaction could leave its SQLite connection (and the write lock) behind.
            self._done.set()
            await asyncio.gather(*helpers, return_exceptions=True)
            await self._flush()
            async with self.database.transaction() as session:
                await delivery_queue.release_claims(session, owner=self.owner)

    async def _claim_loop(self) -> None:
        while not self.stop.is_set():
            limiter = self.limiter
            pause = limiter.paused_for() if limiter else 0.0
            if pause > 0:  # claimed rows would only wait out the 429 under a lease
                await self._wait(self.stop, pause)
                continue
            room = 2 * self._ready - self._queue.qsize()
            if self._queue.qsize() < self._ready and await self._claim(room):
                continue
            if self._queue.qsize() >= self._ready:
                self._hungry.clear()
                await self._wait(self._hungry, self.policy.idle_poll.total_seconds())
            else:
                # Nothing due: the dispatch tick or wake_dispatch() wakes us, or the moment a
                # row this sender recorded falls due.
                await self.due.sleep(self.wake, self.stop)
                self.wake.clear()

    async def _wait(self, event: asyncio.Event, seconds: float) -> None:
        await first_of(event, self.stop, timeout=seconds)

    async def _wait_for(self, event: asyncio.Event, seconds: float) -> None:
        """Return once the event or the helpers' stop is set, or after `seconds`."""
        await first_of(event, self._done, timeout=seconds)

    async def _claim(self, limit: int) -> int:
        now = datetime.now(UTC)
        async with self.database.transaction() as session:
            rows = await delivery_queue.claim_batch(
                session,
                owner=self.owner,
                now=now,
                lease_until=now + self.lease,
                limit=limit,
                chat_gaps=self._chat_gaps,
            )
            if not rows:
                return 0
            await self.book.load(session, {r.alert_id for r in rows})
            # A correction's edits (and channel replies) need the original's copy in the chat.
            targets: dict[tuple[int, Kind, int], Copy] = {}
            wanted = {(r.alert_id, r.kind) for r in rows if r.kind in REFERS_TO}
            for alert_id, kind in wanted:
                original = self.book.original_id(alert_id)
                chats = [r.chat_id for r in rows if (r.alert_id, r.kind) == (alert_id, kind)]
                if original is not None:
                    copies = await delivery_queue.copies_of(
                        session, alert_id=original, chat_ids=chats, kind=REFERS_TO[kind]
                    )
                    targets.update({(alert_id, kind, c): copy for c, copy in copies.items()})
            muted = await self._muted(session, rows, now)
        self.leases.claimed(r.id for r in rows)
        jobs = [
            (row, targets.get((row.alert_id, row.kind, row.chat_id), NO_COPY_ROW)) for row in rows
        ]
        # Channel rows come first in a batch, but sent side by side with private copies one
        # of those could still overtake the post: the posts go out (or fail) before any
        # private copy of the batch starts.
        channel = [(r, c, self._silent(r, muted)) for r, c in jobs if r.kind in CHANNEL_KINDS]
        for result in await asyncio.gather(*(self.attempts.deliver(*job) for job in channel)):
            await self._finished(result)
        for row, copy in jobs:
            if row.kind not in CHANNEL_KINDS:
                self._queue.put_nowait((row, copy, self._silent(row, muted)))
        return len(rows)

    async def _muted(
        self, session: AsyncSession, rows: list[Claimed], now: datetime
    ) -> set[tuple[int, str]]:
        """The (chat, thread) pairs among these rows' corrections that the chat muted."""
        threads = {t for r in rows if r.kind is Kind.SEND and (t := self.book.thread(r.alert_id))}
        chats = {r.chat_id for r in rows if r.kind is Kind.SEND}
        return await mutes.muted(session, threads=threads, chat_ids=chats, now=now)

    def _silent(self, row: Claimed, muted: set[tuple[int, str]]) -> bool:
        """Whether a new message (a resident's copy or a channel post) arrives without a sound.
        A channel cannot mute, but its post follows the same rule as residents' copies: a
        channel that rings for every routine notice gets muted too, and then misses the
        Extreme one. Edits never make a sound."""
        alert = self.book.get(row.alert_id)
        if alert is None or row.kind not in (Kind.SEND, Kind.CHANNEL_POST):
            return False
        thread = self.book.thread(row.alert_id)
        chat_muted = row.kind is Kind.SEND and thread is not None and (row.chat_id, thread) in muted
        return not rings(alert, muted=chat_muted)

    async def _work(self) -> None:
        while (job := await self._queue.get()) is not None:
            if not self.leases.hold():  # it runs out and goes back to the queue
                self.leases.drop(job[0].id)
                self.metrics.deliveries.labels("dropped").inc()
                continue
            await self._finished(await self.attempts.deliver(*job))
            if self._queue.qsize() < self._ready:
                self._hungry.set()

    async def _finished(self, result: Result) -> None:
        await self._room.acquire()
        self._results.append(result)
        # A channel post is recorded at once: a crash then repeats no post to thousands.
        if len(self._results) >= RECORD_BATCH // 2 or result.row.kind in CHANNEL_KINDS:
            self._flush_soon.set()

    async def _record_loop(self) -> None:
        while not self._done.is_set():
            await self._wait_for(self._flush_soon, RECORD_INTERVAL)
            self._flush_soon.clear()
            await self._flush()

    async def _flush(self) -> None:
        batch, self._results = self._results, []
        if not batch:
            return
        try:
            await self._write(batch)
        except Exception:
            # Keep them (and the backpressure) until the database answers again.
            log.exception("could not record %d deliveries; will retry", len(batch))
            self._results = batch + self._results
            return
        self.leases.recorded(r.row.id for r in batch)
        for _ in batch:
            self._room.release()

    async def _write(self, batch: list[Result]) -> None:
        now = datetime.now(UTC)
        sent: list[tuple[int, int | None]] = []
        sent_to: set[int] = set()
        retries: list[tuple[int, datetime, str, bool]] = []
        finals: list[tuple[int, State, str]] = []
        gone: set[int] = set()
        moves: list[tuple[int, int]] = []
        outcomes: list[str] = []
        for r in batch:
            if r.deferred:
                retries.append((r.row.id, now + self.policy.edit_defer, r.error, True))
                outcomes.append("deferred")
                continue
            if r.failure is None and not r.skipped:
                sent.append((r.row.id, r.message_id))
                sent_to.add(r.row.chat_id)
                outcomes.append("edited" if r.row.kind in EDIT_OF else "sent")
                continue
            if r.skipped:
                finals.append((r.row.id, State.SKIPPED, r.error))
                outcomes.append("skipped")
                continue
            assert r.failure is not None
            decision = after_failure(
                r.failure,
                attempts=r.row.attempts,
                now=now,
                rng=self._rng,
                policy=self.policy,
                retry_after=r.retry_after,
            )
            if decision.state is State.PENDING:
                assert decision.next_attempt_at is not None
                retries.append(
                    (r.row.id, decision.next_attempt_at, r.error, decision.refund_attempt)
                )
            else:
                finals.append((r.row.id, decision.state, r.error))
            if r.failure is Failure.GONE and r.row.kind is Kind.SEND:
                gone.add(r.row.chat_id)
            if r.failure is Failure.MIGRATED and r.new_chat_id is not None:
                moves.append((r.row.chat_id, r.new_chat_id))
            outcomes.append(
                decision.state.value if decision.state is not State.PENDING else "retry"
            )
        async with self.leases.lock, self.database.transaction() as session:
            for old, new in moves:
                await delivery_upkeep.move_chat(session, old=old, new=new)
            await delivery_queue.record_sent(session, sent=sent, now=now)
            await delivery_queue.record_retries(session, owner=self.owner, retries=retries)
            await delivery_queue.record_final(session, owner=self.owner, finals=finals)
            await delivery_upkeep.deactivate_chats(session, chat_ids=gone)
        for outcome in outcomes:
            self.metrics.deliveries.labels(outcome).inc()
        due = [when for _, when, _, _ in retries]
        if self._chat_gaps is not None:
            # A chat's next row is held back until its gap after this send has passed.
            private, group = self._chat_gaps
            due.extend({now + (group if chat < 0 else private) for chat in sent_to})
        self.due.note(due)

    async def _renew(self) -> None:
        # The heartbeat: leases stay short (a crashed worker's rows come back soon) while a
        # live worker keeps what it holds, even through a long 429 pause.
        while not self._done.is_set():
            await self._wait_for(self._done, self.lease.total_seconds() / 3)
            if self._done.is_set():
                return
            await self.leases.renew()
