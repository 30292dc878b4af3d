"""Operators' live view of a fan-out: one message per watcher, edited as it progresses."""

from __future__ import annotations

import enum
import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.error import BadRequest, Forbidden, TelegramError

from core.context import Context, Services
from delivery.engine import LOCK_PROGRESS
from delivery.limiter import PriorityRateLimiter
from domain.alerts import Alert
from domain.delivery.pacing import SlotClock
from storage import alert_queries, deliveries, delivery_reports, delivery_upkeep
from storage.delivery_reports import FanoutCounts, Watch
from views.delivery import Progress, render_report

log = logging.getLogger(__name__)


async def load_report(services: Services, identifier: str) -> tuple[Alert, FanoutCounts] | None:
    """An alert and its fan-out counts, or None if there is no such alert."""
    async with services.database.read() as session:
        found = await alert_queries.get_alert(session, identifier=identifier)
        alert_id = await deliveries.alert_id_of(session, identifier=identifier)
        if found is None or alert_id is None:
            return None
        return found, await delivery_reports.fanout_counts(session, alert_id=alert_id)


def pace_of(services: Services, limiter: object) -> float:
    """The send rate the engine allows, for ETAs before the first measurement."""
    rate = (
        limiter.rate
        if isinstance(limiter, PriorityRateLimiter)
        else services.settings.delivery_rate
    )
    return SlotClock(rate).pace()


async def progress_tick(context: Context) -> None:
    """Send or edit each open progress message; the tick's interval throttles the edits."""
    services = context.services
    now = datetime.now(UTC)
    # On PostgreSQL an advisory lock held for the whole tick keeps two workers from editing one
    # message at once. On SQLite (one worker) it is no statement at all, so the tick never
    # holds the write lock (taken at a transaction's first statement) while Telegram answers:
    # the fan-out's claims and records would wait behind every edit.
    async with services.database.transaction() as lock:
        if not await delivery_upkeep.try_singleton(lock, key=LOCK_PROGRESS):
            return
        async with services.database.read() as session:
            watches = await delivery_reports.list_open_watches(session)
            reports = await _reports(session, {w.alert_id for w in watches})
        pace = pace_of(services, context.bot.rate_limiter)
        shown: list[tuple[Watch, int | None, str | None, bool]] = []
        for watch in watches:
            report = reports.get(watch.alert_id)
            if report is None:
                continue
            found, counts = report
            _ = context.translator(watch.language)
            text = str(
                render_report(_, found, Progress(counts, now, pace), tz=services.settings.tz)
            )
            outcome, message_id = await _show(context, watch, text)
            if outcome is Shown.RETRY:  # what Telegram shows is unchanged: try again next tick
                shown.append((watch, watch.message_id, watch.last_text, False))
            else:
                finished = counts.finished or outcome is Shown.GONE
                shown.append((watch, message_id, text, finished))
        async with services.database.transaction() as session:
            for watch, message_id, shown_text, finished in shown:
                await delivery_reports.update_watch(
                    session,
                    alert_id=watch.alert_id,
                    chat_id=watch.chat_id,
                    message_id=message_id,
                    text=shown_text,
                    finished=finished,
                    now=now,
                )


async def _reports(
    session: AsyncSession, alert_ids: set[int]
) -> dict[int, tuple[Alert, FanoutCounts]]:
    """Each watched alert with its fan-out counts (alerts since erased are left out)."""
    reports: dict[int, tuple[Alert, FanoutCounts]] = {}
    for alert_id in alert_ids:
        identifier = await deliveries.identifier_of(session, alert_id=alert_id)
        found = (
            await alert_queries.get_alert(session, identifier=identifier) if identifier else None
        )
        if found is not None:
            reports[alert_id] = (
                found,
                await delivery_reports.fanout_counts(session, alert_id=alert_id),
            )
    return reports


class Shown(enum.Enum):
    """What became of one attempt to show a watcher their progress."""

    DONE = "done"  # sent, edited, or already saying this
    RETRY = "retry"  # a passing failure (5xx, timeout, 429): the next tick tries again
    GONE = "gone"  # the message or the chat is gone: the watch ends


async def _show(context: Context, watch: Watch, text: str) -> tuple[Shown, int | None]:
    """Show the watcher the text; what happened, and their message id."""
    try:
        if watch.message_id is None:
            sent = await context.bot.send_message(watch.chat_id, text)
            return Shown.DONE, sent.message_id
        if text != watch.last_text:
            await context.bot.edit_message_text(
                text, chat_id=watch.chat_id, message_id=watch.message_id
            )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            log.warning("progress message for %s: %s", watch.chat_id, exc.message)
            return Shown.GONE, None
    except Forbidden as exc:
        log.warning("progress message for %s: %s", watch.chat_id, exc.message)
        return Shown.GONE, None
    except TelegramError as exc:
        # One 502 or timeout must not freeze the operator's view at "96 of 1000" for good.
        log.warning("progress message for %s, retrying: %s", watch.chat_id, exc.message)
        return Shown.RETRY, watch.message_id
    return Shown.DONE, watch.message_id
