"""The SMS side of one worker: its SMPP session, its sender, and where inbound texts go."""

from __future__ import annotations

import asyncio
import itertools
import logging
from datetime import UTC, datetime, timedelta

from core.context import KhabardarApp
from core.errors import why
from core.numbers import NumberVault
from delivery.budget import sms_budget
from delivery.compose import AlertBook
from delivery.limiter import Lane
from delivery.smpp import SmppAccount, SmppClient
from delivery.sms import SmsSender
from domain.delivery.rules import Priority
from domain.sms.numbers import normalize_number
from usecases.sms import answer_sms
from views.sms import render_reply

log = logging.getLogger(__name__)


class SmsLink:
    """Built by the delivery engine when SMPP_HOST is set; its tasks run with the app."""

    def __init__(self, app: KhabardarApp, *, book: AlertBook, owner: str) -> None:
        services = app.bot_data.services
        settings = services.settings
        assert settings.smpp_host is not None and settings.sms_number_key is not None
        self.app = app
        self.vault = NumberVault(settings.sms_number_key.get_secret_value())
        password = settings.smpp_password.get_secret_value() if settings.smpp_password else ""
        account = SmppAccount(
            host=settings.smpp_host,
            port=settings.smpp_port,
            system_id=settings.smpp_system_id,
            password=password,
            source=settings.sms_sender_id,
        )
        policy = services.delivery
        # SMS_RATE is the account's, not this process's: on PostgreSQL every process that binds
        # books its submit_sm from one budget row (as the bot's Telegram sends do), replies first.
        self.lane = Lane(sms_budget(rate=settings.sms_rate, database=services.database))
        self.client = SmppClient(
            account,
            on_receipt=self._on_receipt,
            on_inbound=self._on_inbound,
            pace=self.lane.acquire,
            backoff=(policy.backoff_base.total_seconds(), 60.0),
        )
        self.sender = SmsSender(
            client=self.client,
            database=services.database,
            book=book,
            vault=self.vault,
            metrics=services.metrics,
            owner=owner,
            policy=policy,
            rate=settings.sms_rate,
            on_throttled=self._throttled,
        )
        self._refs = itertools.cycle(range(256))  # concatenation references of replies
        self._session: asyncio.Task[None] | None = None
        self._sender: asyncio.Task[None] | None = None

    async def _on_inbound(self, sender: str, text: str) -> None:
        """Answer a keyword; never logs the number or the words (targeting data)."""
        number = normalize_number(sender)
        if number is None:
            return
        services = self.app.bot_data.services
        try:
            reply = await answer_sms(
                database=services.database,
                vault=self.vault,
                gazetteer=services.gazetteer,
                number=number,
                text=text,
                now=datetime.now(UTC),
                stale_after=timedelta(hours=services.settings.stale_after_hours),
            )
            _ = services.catalogs.get(reply.language)
            body = render_reply(_, reply, gazetteer=services.gazetteer)
            await self.client.submit(
                number,
                body,
                receipt=False,
                reference=next(self._refs),
                priority=Priority.INTERACTIVE,
            )
            services.metrics.deliveries.labels(f"sms_reply_{reply.answer.value}").inc()
        except Exception:
            log.exception("could not answer an inbound SMS")

    async def _throttled(self, seconds: float) -> None:
        # The SMSC counts the account, not the bind: every process pauses, or the others'
        # submit_sm would keep meeting the same throttle (as a Telegram 429 pauses them all).
        until = asyncio.get_running_loop().time() + seconds
        if until <= self.lane.paused_until:
            return  # the rest of a batch answered alike: paused already
        log.warning("SMSC asked to slow down: pausing SMS for %.1f s", seconds)
        self.lane.pause(until)
        await self.lane.budget.pause(seconds)

    def _on_receipt(self, smsc_id: str, delivered: bool) -> None:
        self.sender.on_receipt(smsc_id, delivered)

    def ensure_running(self) -> None:
        """Start (or restart after a crash) the session and the sender."""
        if self._session is None or self._session.done():
            self._report(self._session)
            self._session = self.app.create_task(self.client.run(), name="sms-session")
        if self._sender is None or self._sender.done():
            self._report(self._sender)
            self.sender.stop.clear()
            self._sender = self.app.create_task(self.sender.run(), name="sms-sender")

    @staticmethod
    def _report(task: asyncio.Task[None] | None) -> None:
        if task is not None and not task.cancelled() and task.exception():
            # The error handler has had the exception (and its traceback, if it was a bug).
            log.warning("SMS task stopped; restarting it: %s", why(task.exception()))

    def wake(self) -> None:
        """Rows may be due."""
        self.sender.wake.set()

    def stop(self) -> None:
        """Finish the current batch, hand back the rest, unbind."""
        self.sender.stop.set()
        self.client.stop_soon()
