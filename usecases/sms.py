"""What an inbound SMS asks for (JOIN / STOP / STATUS / HELP), in one transaction each."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.numbers import NumberVault
from domain.alerts import Alert
from domain.gazetteer import Gazetteer, ResolutionKind
from domain.sms import Keyword, parse_command, segment_count
from domain.status import DistrictStatus
from storage import audit, deliveries, sms, sms_outbox
from storage.audit import AuditAction
from storage.db import Database
from usecases.status import district_status

_RESOLVED = (ResolutionKind.DISTRICT, ResolutionKind.TOWN, ResolutionKind.CORRECTED)


class Answer(enum.StrEnum):
    """What the service answers by SMS."""

    JOINED = "joined"
    ALREADY = "already"
    STOPPED_ALL = "stopped_all"
    STOPPED_ONE = "stopped_one"
    STATUS = "status"
    HELP = "help"
    NEED_PLACE = "need_place"
    UNKNOWN_PLACE = "unknown_place"
    SUGGEST = "suggest"
    UNKNOWN_KEYWORD = "unknown_keyword"


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer, its language, and what fills it (district slugs, the resident's own words)."""

    answer: Answer
    language: str
    keyword: Keyword | None = None
    district: str = ""
    place: str = ""
    districts: tuple[str, ...] = ()
    status: DistrictStatus | None = field(default=None, compare=False)


def _place(gazetteer: Gazetteer, words: str) -> tuple[str | None, tuple[str, ...]]:
    """The district a place means, or the districts it might mean."""
    found = gazetteer.resolve(words)
    if found.kind in _RESOLVED and found.district is not None:
        return found.district.slug, ()
    return None, tuple(dict.fromkeys(c.district.slug for c in found.candidates))[:3]


async def answer_sms(
    *,
    database: Database,
    vault: NumberVault,
    gazetteer: Gazetteer,
    number: str,
    text: str,
    now: datetime,
    stale_after: timedelta,
) -> Reply:
    """Act on one inbound SMS from `number` (normalised) and say what to answer."""
    command = parse_command(text)
    language, keyword = command.language, command.keyword
    if keyword is None:
        return Reply(Answer.UNKNOWN_KEYWORD, language)
    if keyword is Keyword.HELP:
        return Reply(Answer.HELP, language)
    key = vault.lookup(number)
    district: str | None = None
    if command.place:
        district, candidates = _place(gazetteer, command.place)
        if district is None:
            answer = Answer.SUGGEST if candidates else Answer.UNKNOWN_PLACE
            return Reply(answer, language, keyword, place=command.place, districts=candidates)
    if keyword is Keyword.STOP:
        async with database.transaction() as session:
            left = await sms.leave(session, number_hash=key, district=district)
        if district is None or not left:
            return Reply(Answer.STOPPED_ALL, language, keyword)
        return Reply(Answer.STOPPED_ONE, language, keyword, district=district, districts=left)
    if district is None:
        return Reply(Answer.NEED_PLACE, language, keyword)
    if keyword is Keyword.STATUS:
        report = await district_status(
            database=database,
            gazetteer=gazetteer,
            district=district,
            now=now,
            stale_after=stale_after,
            count_subscribers=False,
        )
        return Reply(Answer.STATUS, language, keyword, district=district, status=report.status)
    async with database.transaction() as session:
        new = await sms.join(
            session,
            number_hash=key,
            sealed=vault.seal(number),
            language=language,
            district=district,
            now=now,
        )
    return Reply(Answer.JOINED if new else Answer.ALREADY, language, keyword, district=district)


async def set_shutdown(
    *, database: Database, districts: list[str], on: bool, by: int, now: datetime
) -> list[str]:
    """An operator declares (on) or ends (off) a mobile-data shutdown, audit-logged in the same
    transaction; the districts whose state changed."""
    async with database.transaction() as session:
        changed = await sms.set_shutdown(session, districts=districts, on=on, by=by, now=now)
        if changed:
            await audit.record(
                session,
                action=AuditAction.SHUTDOWN_DECLARED if on else AuditAction.SHUTDOWN_ENDED,
                at=now,
                actor_id=by,
                detail={"districts": ",".join(changed)},
            )
    return changed


async def shutdowns(*, database: Database) -> dict[str, datetime]:
    """Districts under a declared data shutdown, and since when."""
    async with database.read() as session:
        return await sms.list_shutdowns(session)


@dataclass(frozen=True, slots=True)
class SmsCost:
    """What approving an alert will send by SMS: messages, and segments (what is billed)."""

    messages: int
    segments: int


async def sms_cost(
    *, database: Database, alert: Alert, extreme_always: bool, render: Callable[[str], str]
) -> SmsCost:
    """Count the numbers an alert would text and the segments its SMS take in each language
    (`render` gives the SMS text in a language)."""
    async with database.read() as session:
        alert_id = await deliveries.alert_id_of(session, identifier=alert.identifier)
        if alert_id is None:
            return SmsCost(0, 0)
        by_language = await sms_outbox.sms_audience(
            session,
            alert_id=alert_id,
            kind_bit=alert.kind.bit,
            severity=int(alert.content.severity),
            extreme_always=extreme_always,
        )
    segments = sum(count * segment_count(render(lang)) for lang, count in by_language.items())
    return SmsCost(sum(by_language.values()), segments)


async def set_fallback(
    *,
    database: Database,
    vault: NumberVault,
    chat_id: int,
    number: str,
    language: str,
    now: datetime,
) -> None:
    """Keep a Telegram resident's own number (sealed) for SMS during a data shutdown."""
    async with database.transaction() as session:
        await sms.set_fallback(
            session,
            chat_id=chat_id,
            number_hash=vault.lookup(number),
            sealed=vault.seal(number),
            language=language,
            now=now,
        )


async def erase_fallback(*, database: Database, chat_id: int) -> bool:
    """Erase a Telegram resident's number and what was sent to it."""
    async with database.transaction() as session:
        return await sms.erase_fallback(session, chat_id=chat_id)


async def fallback_number(*, database: Database, vault: NumberVault, chat_id: int) -> str | None:
    """A Telegram resident's stored number, for /mydata (the caller masks it)."""
    async with database.read() as session:
        sealed = await sms.fallback_of(session, chat_id=chat_id)
    return vault.open(sealed) if sealed else None
