"""Check-ins under alerts and the daily all-quiet note: one transaction per use-case."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.metrics import Metrics
from domain.alerts import parse_identifier
from domain.checkins import (
    HEARTBEAT_WINDOW,
    Answer,
    CheckinCounts,
    Refusal,
    district_of,
    local_day_start,
    quiet_districts,
    refusal,
)
from domain.delivery.rules import State, local_minute
from storage import alert_queries, checkins, deliveries, delivery_upkeep, residents
from storage.db import Database
from storage.status_queries import count_deliveries_by_outcome, list_published_since


@dataclass(frozen=True, slots=True)
class CheckinOutcome:
    """A recorded answer (its district, and whether it replaced another), or why not."""

    refused: Refusal | None = None
    answer: Answer | None = None
    district: str | None = None
    changed: bool = False


async def check_in(
    *,
    database: Database,
    reference: str,
    chat_id: int,
    answer: Answer,
    now: datetime,
    replace: bool = True,
) -> CheckinOutcome:
    """Record a chat's answer under an alert it was sent, if the alert still takes answers
    (`replace` False: only if the chat has not answered it yet)."""
    identifier = parse_identifier(reference)
    async with database.transaction() as session:
        found = (
            await alert_queries.get_alert(session, identifier=identifier) if identifier else None
        )
        alert_id = (
            await deliveries.alert_id_of(session, identifier=identifier)
            if identifier and found
            else None
        )
        received = alert_id is not None and await checkins.was_sent(
            session, alert_id=alert_id, chat_id=chat_id
        )
        why = refusal(found, now=now, received=received)
        if why is not None or found is None or alert_id is None:
            return CheckinOutcome(refused=why or Refusal.NOT_ASKED)
        followed = await residents.list_subscriptions(session, chat_id=chat_id)
        district = district_of(found, followed)
        before = await checkins.record_answer(
            session,
            alert_id=alert_id,
            chat_id=chat_id,
            district=district,
            answer=answer,
            now=now,
            replace=replace,
        )
    if before is not None and not replace:
        return CheckinOutcome(answer=before, district=district)
    return CheckinOutcome(
        answer=answer, district=district, changed=before is not None and before is not answer
    )


async def checkin_counts(
    *, database: Database, references: Collection[str] | None = None, district: str | None = None
) -> list[CheckinCounts]:
    """Answers per alert and district: counts only."""
    async with database.read() as session:
        return await checkins.counts(session, identifiers=references, district=district)


async def set_quiet_note(
    *,
    database: Database,
    chat_id: int,
    language: str,
    minute: int | None,
    now: datetime,
    tz: ZoneInfo,
) -> None:
    """Turn the daily all-quiet note on at a local minute, or off (None). A time already past
    today counts as today's, so choosing it sends nothing at once."""
    passed = minute is not None and minute <= local_minute(now, tz)
    async with database.transaction() as session:
        await residents.ensure_resident(session, chat_id=chat_id, language=language)
        await residents.set_quiet_note(
            session, chat_id=chat_id, minute=minute, handled_at=now if passed else None
        )


@dataclass(frozen=True, slots=True)
class QuietNote:
    """One all-quiet note to send: the chat, its language and the quiet districts."""

    chat_id: int
    language: str
    districts: list[str]


async def due_quiet_notes(*, database: Database, now: datetime, tz: ZoneInfo) -> list[QuietNote]:
    """Claim today's due notes; those whose districts had a verified alert are simply done."""
    async with database.transaction() as session:
        claimed = await residents.claim_quiet_notes(
            session,
            minute=local_minute(now, tz),
            day_start=local_day_start(now, tz),
            now=now,
        )
        if not claimed:
            return []
        since = now - HEARTBEAT_WINDOW
        recent = await list_published_since(session, since=since)
        notes = []
        for chat_id, language in claimed:
            followed = await residents.list_subscriptions(session, chat_id=chat_id)
            quiet = quiet_districts(followed, recent, since=since)
            if quiet:
                notes.append(QuietNote(chat_id, language, quiet))
    return notes


async def quiet_note_failed(*, database: Database, chat_id: int) -> None:
    """A note Telegram did not take is due again at the next tick."""
    async with database.transaction() as session:
        await residents.unclaim_quiet_note(session, chat_id=chat_id)


@dataclass(frozen=True, slots=True)
class ServiceHealth:
    """When this process last reached Telegram, and how many messages wait to be sent."""

    telegram_reached_at: datetime | None
    queue_depth: int
    held: int


async def service_health(*, database: Database, metrics: Metrics) -> ServiceHealth:
    """The bot's own pulse, for staff /status and the API."""
    async with database.read() as session:
        depth = await delivery_upkeep.queue_depth(session)
        by_state = await count_deliveries_by_outcome(session) or {}
    return ServiceHealth(metrics.telegram_reached_at, depth, by_state.get(State.HELD.value, 0))


@dataclass(frozen=True, slots=True)
class CheckinReport:
    """Counts per alert and district, with each alert's kind, severity and verification time."""

    counts: list[CheckinCounts]
    alerts: dict[str, tuple[str, str, datetime | None]]


async def checkin_report(*, database: Database) -> CheckinReport:
    """Every retained answer as counts, for the API and checkins.csv."""
    async with database.read() as session:
        found = await checkins.counts(session)
        alerts: dict[str, tuple[str, str, datetime | None]] = {}
        for reference in {c.alert for c in found}:
            alert = await alert_queries.get_alert(session, identifier=reference)
            if alert is not None:
                alerts[reference] = (
                    alert.kind.value,
                    alert.content.severity.code,
                    alert.verified_at,
                )
    return CheckinReport(found, alerts)
