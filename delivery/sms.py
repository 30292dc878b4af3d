"""The SMS transport: drains the outbox's SMS rows over one SMPP session, records receipts.

Two lanes, each a batch at a time: claim up to `window` rows (about a second of the account's
rate), submit them (paced by the client, which both lanes share), record the outcomes and the
SMSC's message ids in one transaction; while one lane records and claims, the other submits.
A crash can therefore repeat at most LANES × `window` messages the SMSC had accepted (plus the
parts of a long message whose later part was throttled); rows claimed but unsent are retried.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.metrics import Metrics
from core.numbers import NumberVault
from delivery.compose import AlertBook
from delivery.due import DueTimes
from delivery.events import first_of
from delivery.smpp import NotConnected, SmppClient, Unanswered
from delivery.smpp_pdu import BAD_DESTINATION, THROTTLED, SmppError
from domain.delivery.policy import DeliveryPolicy
from domain.delivery.rules import Failure, Priority, State, Transport, after_failure
from domain.sms.numbers import recipient_of
from storage import delivery_queue, sms, sms_outbox
from storage.db import Database
from storage.delivery_queue import Claimed

log = logging.getLogger(__name__)
# Statuses worth trying again: the SMSC's own trouble, not the message's.
_TRANSIENT = (0x08, 0x45, 0x64)  # ESME_RSYSERR, ESME_RSUBMITFAIL, ESME_RX_T_APPN
# A receipt can overtake the record of its submit; unmatched ones are kept this long.
RECEIPT_PATIENCE = timedelta(minutes=5)
LANES = 2


@dataclass(slots=True)
class Outcome:
    """How one SMS row's attempt ended."""

    row: Claimed
    ids: list[str] = field(default_factory=list)
    failure: Failure | None = None
    skipped: bool = False
    error: str = ""
    retry_after: timedelta | None = None
    # When the attempt ended: a retry's wait counts from then. The batch is recorded once its
    # last text is answered, and a throttled text's pause had mostly passed by then.
    ended: datetime | None = None


def window_for(rate: float) -> int:
    """Rows per batch: about one second of the account's throughput."""
    return max(1, min(64, math.ceil(rate)))


class SmsSender:
    """Sends SMS rows while woken; one per worker process, beside the Telegram sender."""

    def __init__(
        self,
        *,
        client: SmppClient,
        database: Database,
        book: AlertBook,
        vault: NumberVault,
        metrics: Metrics,
        owner: str,
        policy: DeliveryPolicy,
        rate: float,
        on_throttled: Callable[[float], Awaitable[None]],
    ) -> None:
        self.client, self.database, self.book, self.vault = client, database, book, vault
        self.metrics, self.owner, self.policy = metrics, f"{owner[:60]}:s", policy
        self.window = window_for(rate)
        self.on_throttled = on_throttled  # pauses every process's submit_sm (the SMS budget)
        self.wake = asyncio.Event()
        self.stop = asyncio.Event()
        self.due = DueTimes(self.wake, policy)
        self._receipts: list[tuple[str, bool, datetime]] = []
        self._rng = random.Random()  # noqa: S311 - jitter

    def on_receipt(self, smsc_id: str, delivered: bool) -> None:
        """A delivery receipt arrived (recorded with the next batch)."""
        self._receipts.append((smsc_id, delivered, datetime.now(UTC)))
        self.wake.set()

    async def run(self) -> None:
        """Send until stopped; then record what is known and hand back the rest.

        A lane that fails stops the others after their current batch: their claims are only
        handed back once none of them is mid-submit, or those texts would go out twice.
        """
        lanes = [asyncio.ensure_future(self._lane()) for _ in range(LANES)]
        try:
            await asyncio.wait(lanes, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            self.stop.set()
            ended = await asyncio.gather(*lanes, return_exceptions=True)
            await self._record_receipts()
            async with self.database.transaction() as session:
                await delivery_queue.release_claims(session, owner=self.owner)
        for outcome in ended:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _lane(self) -> None:
        while not self.stop.is_set():
            await self._record_receipts()
            if not self.client.connected.is_set():
                await self._wait(self.client.connected)
                continue
            if not await self._batch():
                # Woken by new rows or a receipt, or when a text it throttled falls due.
                await self.due.sleep(self.wake, self.stop)
                self.wake.clear()

    async def _wait(self, event: asyncio.Event) -> None:
        await first_of(event, self.stop, timeout=self.policy.idle_poll.total_seconds())

    async def _batch(self) -> int:
        now = datetime.now(UTC)
        async with self.database.transaction() as session:
            rows = await delivery_queue.claim_batch(
                session,
                owner=self.owner,
                now=now,
                lease_until=now + self.policy.lease,
                limit=self.window,
                transport=Transport.SMS,
            )
            if not rows:
                return 0
            await self.book.load(session, {r.alert_id for r in rows})
            numbers = await sms.sealed_numbers(
                session, recipient_ids={recipient_of(r.chat_id) for r in rows}
            )
        outcomes = await asyncio.gather(*(self._attempt(row, numbers) for row in rows))
        await self._write(list(outcomes))
        return len(rows)

    async def _attempt(self, row: Claimed, numbers: dict[int, str]) -> Outcome:
        outcome = await self._deliver(row, numbers)
        outcome.ended = datetime.now(UTC)
        return outcome

    async def _deliver(self, row: Claimed, numbers: dict[int, str]) -> Outcome:
        sealed = numbers.get(recipient_of(row.chat_id))
        if self.book.get(row.alert_id) is None or sealed is None:
            return Outcome(row, skipped=True, error="alert or number gone")
        number = self.vault.open(sealed)
        if number is None:
            return Outcome(row, failure=Failure.REJECTED, error="number sealed with another key")
        try:
            ids = await self.client.submit(
                number,
                self.book.text(row),
                receipt=True,
                reference=row.id & 0xFF,
                priority=Priority(row.priority),
            )
            return Outcome(row, ids=ids)
        except SmppError as exc:
            if exc.status in THROTTLED:
                wait = self.policy.retry_after_default
                await self.on_throttled(wait.total_seconds())
                return Outcome(row, failure=Failure.RATE_LIMITED, error=str(exc), retry_after=wait)
            if exc.status in BAD_DESTINATION:
                return Outcome(row, failure=Failure.GONE, error=str(exc))
            transient = exc.status in _TRANSIENT
            return Outcome(
                row, failure=Failure.TRANSIENT if transient else Failure.REJECTED, error=str(exc)
            )
        except Unanswered as exc:  # it may have gone out: an attempt, so repeats are bounded
            return Outcome(row, failure=Failure.TRANSIENT, error=str(exc))
        except NotConnected as exc:  # never sent, not the message's fault: attempt refunded
            wait = self.policy.backoff_base
            return Outcome(row, failure=Failure.RATE_LIMITED, error=str(exc), retry_after=wait)
        except TimeoutError:
            return Outcome(row, failure=Failure.TRANSIENT, error="SMSC did not answer")
        except Exception as exc:  # a bug must not stop the fan-out; the row is retried
            log.exception("SMS delivery %s failed unexpectedly", row.id)
            return Outcome(row, failure=Failure.TRANSIENT, error=repr(exc))

    async def _write(self, outcomes: list[Outcome]) -> None:
        now = datetime.now(UTC)
        sent: list[tuple[int, int | None]] = []
        parts: list[tuple[int, int, str]] = []
        retries: list[tuple[int, datetime, str, bool]] = []
        finals: list[tuple[int, State, str]] = []
        stopped: list[int] = []
        for o in outcomes:
            if o.skipped:
                finals.append((o.row.id, State.SKIPPED, o.error))
            elif o.failure is None:
                sent.append((o.row.id, None))
                parts += [(o.row.id, n, smsc_id) for n, smsc_id in enumerate(o.ids, start=1)]
            else:
                decision = after_failure(
                    o.failure,
                    attempts=o.row.attempts,
                    now=o.ended or now,
                    rng=self._rng,
                    policy=self.policy,
                    retry_after=o.retry_after,
                )
                if decision.state is State.PENDING:
                    assert decision.next_attempt_at is not None
                    retries.append(
                        (o.row.id, decision.next_attempt_at, o.error, decision.refund_attempt)
                    )
                else:
                    finals.append((o.row.id, decision.state, o.error))
                if o.failure is Failure.GONE:
                    stopped.append(recipient_of(o.row.chat_id))
            outcome = "sms_sent" if o.failure is None and not o.skipped else "sms_not_sent"
            self.metrics.deliveries.labels(outcome).inc()
        async with self.database.transaction() as session:
            await delivery_queue.record_sent(session, sent=sent, now=now)
            await sms_outbox.record_parts(session, parts=parts)
            await delivery_queue.record_retries(session, owner=self.owner, retries=retries)
            await delivery_queue.record_final(session, owner=self.owner, finals=finals)
            if stopped:  # the SMSC says the number is invalid: it is never tried again
                await sms.stop_numbers(session, recipient_ids=stopped)
        self.due.note(when for _, when, _, _ in retries)

    async def _record_receipts(self) -> None:
        if not self._receipts:
            return
        batch, self._receipts = self._receipts, []
        try:
            async with self.database.transaction() as session:
                matched = await sms_outbox.record_receipts(
                    session, receipts=[(i, ok) for i, ok, _at in batch]
                )
        except Exception:
            log.exception("could not record %d SMS receipts; will retry", len(batch))
            self._receipts = batch + self._receipts
            return
        oldest = datetime.now(UTC) - RECEIPT_PATIENCE
        self._receipts += [r for r in batch if r[0] not in matched and r[2] > oldest]
