"""The delivery engine's ticks on PTB's JobQueue: plan what is due, expire, quiet hours.

The database is the source of truth: every tick reads it afresh, so a tick that runs twice,
late, or after a restart does the right thing once. The sender (delivery.sender) runs as one
long-lived task per process that the ticks wake.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from datetime import UTC, datetime, timedelta

from telegram.ext import Job

from core.context import Context, KhabardarApp
from core.errors import why
from delivery.compose import AlertBook
from delivery.sender import Sender
from delivery.sms_link import SmsLink
from domain.checkins import CHECKIN_RETENTION
from domain.delivery.policy import DeliveryPolicy
from domain.delivery.rules import local_minute
from storage import (
    alert_queries,
    alerts,
    checkins,
    deliveries,
    delivery_queue,
    delivery_reports,
    delivery_upkeep,
    mutes,
    residents,
)
from storage.deliveries import Plan

log = logging.getLogger(__name__)

# Keys of the transaction-scoped advisory locks that make a tick a singleton across workers.
LOCK_PLAN, LOCK_EXPIRY, LOCK_QUIET, LOCK_PROGRESS = 4_404_001, 4_404_002, 4_404_003, 4_404_004
# Long enough for /report and for corrections to find who got the original (a closed alert can
# no longer be updated or cancelled), short enough not to keep a history of who was warned.
DELIVERY_RETENTION = timedelta(days=30)


class DeliveryEngine:
    """One per process: owns the sender task, plans due alerts, and runs the housekeeping."""

    def __init__(self, app: KhabardarApp, policy: DeliveryPolicy) -> None:
        services = app.bot_data.services
        settings = services.settings
        self.app = app
        self.services = services
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
        self.book = AlertBook(services.catalogs, services.gazetteer, settings.tz)
        self.sender = Sender(
            bot=app.bot,
            database=services.database,
            book=self.book,
            metrics=services.metrics,
            owner=self.owner,
            concurrency=settings.delivery_concurrency,
            policy=policy,
            paid_broadcast=settings.paid_broadcast,
        )
        # SMPP_HOST set: SMS rows go out beside the Telegram ones, over their own transport.
        self.sms = SmsLink(app, book=self.book, owner=self.owner) if settings.sms_enabled else None
        self._task: asyncio.Task[None] | None = None
        self._stopped = False
        self._recovered = False
        self._recovering = asyncio.Lock()
        self._planning = asyncio.Lock()
        self._publish_job: Job[Context] | None = None
        self._publish_at: datetime | None = None
        self.last_plan_seconds: float | None = None  # for the benchmark and the logs

    # --- ticks ---------------------------------------------------------------------------

    async def dispatch(self, context: Context) -> None:
        """Plan every due alert, return expired leases to the queue, and wake the sender."""
        if not self._recovered:
            await self._recover()
        self._ensure_sender()
        while await self._plan_one():
            self._wake_senders()  # each plan's rows go out while the next is planned
        now = datetime.now(UTC)
        async with self.services.database.transaction() as session:
            await delivery_queue.recover_expired_leases(session, now=now)
            depth = await delivery_upkeep.queue_depth(session)
            upcoming = await deliveries.next_scheduled(session, now=now)
        self.services.metrics.queue_depth.set(depth)
        self._schedule_publication(upcoming)
        self._wake_senders()

    async def start_sms(self, context: Context) -> None:
        """Bind to the SMSC as soon as the app runs (inbound keywords need the session); rows
        a killed process left claimed are handed back first, so none is sent twice by that."""
        if self.sms is None:
            return
        if not self._recovered:
            await self._recover()
        if self._may_start():
            self.sms.ensure_running()

    async def expire(self, context: Context) -> None:
        """Expire alerts whose time is up; their unsent rows are recorded as skipped."""
        now = datetime.now(UTC)
        async with self.services.database.transaction() as session:
            if not await delivery_upkeep.try_singleton(session, key=LOCK_EXPIRY):
                return
            expired = await alerts.expire_due(session, now=now)
            skipped = await delivery_upkeep.skip_closed(session, now=now)
        if expired or skipped:
            log.info("expired %s; %d unsent deliveries skipped", ", ".join(expired), skipped)

    async def quiet_hours(self, context: Context) -> None:
        """Release held rows of residents whose quiet hours ended; hold routine ones that began."""
        minute = local_minute(datetime.now(UTC), self.services.settings.tz)
        async with self.services.database.transaction() as session:
            if not await delivery_upkeep.try_singleton(session, key=LOCK_QUIET):
                return
            held, released = await delivery_upkeep.hold_and_release(session, minute=minute)
        if released:
            self.sender.wake.set()
        if held or released:
            log.info("quiet hours: %d deliveries held, %d released", held, released)

    async def retention(self, context: Context) -> None:
        """Erase delivery rows of alerts closed long ago and check-ins older than 30 days: who
        received what, and who answered what, is personal data."""
        now = datetime.now(UTC)
        before = now - DELIVERY_RETENTION
        async with self.services.database.transaction() as session:
            erased = await delivery_upkeep.purge_closed(session, before=before)
            await mutes.purge_expired(session, now=now)
            answers = await checkins.purge_older(session, before=now - CHECKIN_RETENTION)
        if answers:
            log.info("retention: erased %d check-in answers older than 30 days", answers)
        if erased:
            log.info(
                "retention: erased %d delivery rows of alerts closed before %s", erased, before
            )

    def stop(self) -> None:
        """Ask the senders to finish their in-flight sends and hand back the rest."""
        # A tick still running when the JobQueue shut down must not start them again: the app
        # would close the database under a sender it no longer awaits.
        self._stopped = True
        self.sender.stop.set()
        if self.sms is not None:
            self.sms.stop()

    def _wake_senders(self) -> None:
        self.sender.wake.set()
        if self.sms is not None:
            self.sms.wake()

    # --- internals -----------------------------------------------------------------------

    async def _recover(self) -> None:
        async with self._recovering:
            if not self._recovered:
                await self._release_leftovers()
                self._recovered = True

    async def _release_leftovers(self) -> None:
        # SQLite has one worker, so rows still claimed at start-up belong to this process's
        # previous life (killed): retry them now rather than after their lease runs out.
        if self.services.database.is_sqlite:
            async with self.services.database.transaction() as session:
                released = await delivery_queue.release_claims(session)
            if released:
                log.warning("retrying %d deliveries claimed before a restart", released)

    def _may_start(self) -> bool:
        # PTB awaits tasks made with create_task at stop() only if they were made while it
        # ran; stop() clears `running` several awaits before the JobQueue shuts down, and a
        # sender started in between would still hold a connection when the database closes.
        return not self._stopped and self.app.running

    def _ensure_sender(self) -> None:
        if not self._may_start():
            return
        if self.sms is not None:
            self.sms.ensure_running()
        if self._task is not None and not self._task.done():
            return
        if self._task is not None and not self._task.cancelled() and self._task.exception():
            # The error handler has had the exception (and its traceback, if it was a bug).
            log.warning("delivery sender stopped; restarting it: %s", why(self._task.exception()))
        self.sender.stop.clear()
        self._task = self.app.create_task(self.sender.run(), name="delivery-sender")

    async def _plan_one(self) -> Plan | None:
        """Plan the oldest due alert in its own transaction (so its sends start at once)."""
        settings = self.services.settings
        started = time.perf_counter()
        async with self._planning, self.services.database.transaction() as session:
            if not await delivery_upkeep.try_singleton(session, key=LOCK_PLAN):
                return None
            now = datetime.now(UTC)
            due = await deliveries.list_due_unplanned(session, now=now, limit=1)
            found = await alert_queries.get_alert(session, identifier=due[0]) if due else None
            if found is None:
                return None
            plan = await deliveries.plan_deliveries(
                session,
                alert_=found,
                now=now,
                minute=local_minute(now, settings.tz),
                admin_ids=settings.admin_ids,
                default_language=settings.default_language,
                sms=settings.sms_enabled,
                extreme_always=settings.sms_extreme_always,
            )
            if plan is None:
                return None
            watchers = []
            for user_id in dict.fromkeys(u for u in (found.author_id, found.verified_by) if u):
                resident = await residents.get_resident(session, chat_id=user_id)
                watchers.append(
                    (user_id, resident.language if resident else settings.default_language)
                )
            await delivery_reports.add_watchers(
                session, alert_id=plan.alert_id, watchers=watchers, now=now
            )
        self.last_plan_seconds = time.perf_counter() - started
        log.info(
            "planned %s: %d sends, %d edits, %d channel rows, %d SMS in %.2f s",
            found.identifier,
            plan.sends,
            plan.edits,
            plan.posts,
            plan.sms,
            self.last_plan_seconds,
        )
        return plan

    def _schedule_publication(self, when: datetime | None) -> None:
        """A one-off tick at the next scheduled alert's effective time (the dispatch tick would
        find it too, this makes it punctual)."""
        if when == self._publish_at:
            return
        if self._publish_job is not None:
            self._publish_job.schedule_removal()
            self._publish_job = None
        self._publish_at = when
        job_queue = self.app.job_queue
        if when is not None and job_queue is not None:
            self._publish_job = job_queue.run_once(
                self.services.jobs.wrap(self.dispatch),
                when,
                name="delivery-publish",
                job_kwargs=JOB_KWARGS,
            )


# Why these APScheduler settings, for every delivery job:
# - misfire_grace_time=None: a run that starts late (the event loop was busy planning a large
#   fan-out, the machine slept) still runs; the default would skip it silently.
# - coalesce=True: runs missed meanwhile collapse into one; a tick reads the database, so one
#   run catches up on all of them.
# - max_instances=1: a tick never overlaps itself, so a slow run does not start a second one
#   beside it; the next run simply comes at the next interval.
JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
