"""Named queries of SMS in the delivery outbox: planning SMS rows, their parts and receipts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
    union,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import Severity
from domain.delivery.rules import Kind, State
from storage.alert_models import UTCDateTime, alert_district
from storage.delivery_models import delivery
from storage.sms import chat_key, resident, subscription
from storage.sms_models import sms_part, sms_recipient, sms_shutdown, sms_subscription
from storage.upsert import upsert

DELIVERED, UNDELIVERED = "delivered", "failed"


@dataclass(frozen=True, slots=True)
class SmsTally:
    """An alert's SMS so far: submitted, confirmed by a receipt, failed (refused or receipt)."""

    sent: int = 0
    delivered: int = 0
    failed: int = 0
    waiting: int = 0


# --- planning -------------------------------------------------------------------------------


def _sms_only(alert_id: int, severity: int) -> Select[tuple[int, str]]:
    return (
        select(chat_key, sms_recipient.c.language)
        .select_from(
            alert_district.join(
                sms_subscription, sms_subscription.c.district == alert_district.c.district
            ).join(sms_recipient, sms_recipient.c.id == sms_subscription.c.recipient_id)
        )
        .where(
            alert_district.c.alert_id == alert_id,
            sms_recipient.c.chat_id.is_(None),
            sms_recipient.c.min_severity <= severity,
        )
    )


def cut_off_chats(alert_id: int) -> Select[tuple[int]]:
    """Telegram chats with a fallback number that follow one of the alert's districts under a
    declared shutdown: they get the alert by SMS instead of a private message."""
    return (
        select(sms_recipient.c.chat_id)
        .select_from(
            alert_district.join(subscription, subscription.c.district == alert_district.c.district)
            .join(sms_shutdown, sms_shutdown.c.district == alert_district.c.district)
            .join(sms_recipient, sms_recipient.c.chat_id == subscription.c.chat_id)
        )
        .where(alert_district.c.alert_id == alert_id)
    )


def _fallbacks(
    alert_id: int, kind_bit: int, severity: int, extreme_always: bool
) -> Select[tuple[int, str]]:
    cut_off: ColumnElement[bool] = sms_shutdown.c.district.is_not(None)
    if extreme_always and severity >= int(Severity.EXTREME):
        cut_off = or_(cut_off, true())
    return (
        select(chat_key, resident.c.language)
        .select_from(
            alert_district.join(subscription, subscription.c.district == alert_district.c.district)
            .join(resident, resident.c.chat_id == subscription.c.chat_id)
            .join(sms_recipient, sms_recipient.c.chat_id == resident.c.chat_id)
            .outerjoin(sms_shutdown, sms_shutdown.c.district == alert_district.c.district)
        )
        .where(
            alert_district.c.alert_id == alert_id,
            resident.c.active.is_(True),
            resident.c.kinds_mask.op("&")(kind_bit) != 0,
            resident.c.min_severity <= severity,
            cut_off,
        )
    )


def _sms_recipients_of(original_id: int) -> Select[tuple[int, str]]:
    return select(delivery.c.chat_id, delivery.c.language).where(
        delivery.c.alert_id == original_id,
        delivery.c.kind == Kind.SMS.value,
        delivery.c.state == State.SENT.value,
    )


async def plan_sms(
    session: AsyncSession,
    *,
    alert_id: int,
    kind_bit: int,
    severity: int,
    subscribers: bool,
    original_id: int | None,
    urgent: bool,
    priority: int,
    extreme_always: bool,
    now: datetime,
) -> int:
    """Plan an alert's SMS rows in one INSERT … SELECT: SMS-only residents whose districts and
    minimum severity admit it, fallback numbers of cut-off subscribers (every number for an
    Extreme alert with SMS_EXTREME_ALWAYS), and whoever got the corrected original by SMS."""
    sources = []
    if subscribers:
        sources += [_sms_only(alert_id, severity)]
        sources += [_fallbacks(alert_id, kind_bit, severity, extreme_always)]
    if original_id is not None:
        sources.append(_sms_recipients_of(original_id))
    if not sources:
        return 0
    found = union(*sources).subquery("found")
    chats = (
        select(found.c.chat_id, func.min(found.c.language).label("language"))
        .group_by(found.c.chat_id)
        .subquery("chats")
    )
    rows = select(
        literal(alert_id),
        chats.c.chat_id,
        literal(Kind.SMS.value),
        chats.c.language,
        literal(State.PENDING.value),
        literal(priority),
        literal(urgent),
        literal(0),
        literal(now, UTCDateTime()),
        literal(now, UTCDateTime()),
    ).where(true())
    columns = [
        "alert_id",
        "chat_id",
        "kind",
        "language",
        "state",
        "priority",
        "urgent",
        "attempts",
        "next_attempt_at",
        "created_at",
    ]
    result = await session.execute(upsert(session, delivery, rows, columns=columns))
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- parts and receipts ---------------------------------------------------------------------


async def record_parts(session: AsyncSession, *, parts: Sequence[tuple[int, int, str]]) -> None:
    """Remember the SMSC's message id of each submitted part: (delivery id, part, smsc id)."""
    if parts:
        await session.execute(
            upsert(
                session,
                sms_part,
                [{"delivery_id": d, "part": p, "smsc_id": s} for d, p, s in parts],
                keys=["delivery_id", "part"],
                update=["smsc_id"],
            )
        )


async def record_receipts(
    session: AsyncSession, *, receipts: Sequence[tuple[str, bool]]
) -> set[str]:
    """Delivery receipts: (smsc id, delivered). Returns the ids that matched a part (a receipt
    can arrive before its submit is recorded)."""
    matched: set[str] = set()
    for outcome, ok in ((DELIVERED, True), (UNDELIVERED, False)):
        ids = [i for i, delivered in receipts if delivered is ok]
        if ids:
            result = await session.execute(
                update(sms_part)
                .where(sms_part.c.smsc_id.in_(ids))
                .values(receipt=outcome)
                .returning(sms_part.c.smsc_id)
            )
            matched.update(result.scalars())
    return matched


async def sms_tally(session: AsyncSession, *, alert_id: int) -> SmsTally:
    """How an alert's SMS stand, counted per message (all parts delivered = delivered)."""
    states: dict[str, int] = dict(
        (
            await session.execute(
                select(delivery.c.state, func.count())
                .where(delivery.c.alert_id == alert_id, delivery.c.kind == Kind.SMS.value)
                .group_by(delivery.c.state)
            )
        ).all()
    )
    if not states:
        return SmsTally()
    per_row = (
        select(
            sms_part.c.delivery_id,
            func.sum(case((sms_part.c.receipt == DELIVERED, 1), else_=0)).label("ok"),
            func.sum(case((sms_part.c.receipt == UNDELIVERED, 1), else_=0)).label("bad"),
            func.count().label("parts"),
        )
        .join(delivery, delivery.c.id == sms_part.c.delivery_id)
        .where(delivery.c.alert_id == alert_id)
        .group_by(sms_part.c.delivery_id)
        .subquery()
    )
    delivered, receipt_failed = (
        await session.execute(
            select(
                func.count().filter(and_(per_row.c.ok == per_row.c.parts)),
                func.count().filter(per_row.c.bad > 0),
            ).select_from(per_row)
        )
    ).one()
    refused = sum(states.get(s.value, 0) for s in (State.FAILED, State.BLOCKED))
    waiting = sum(states.get(s.value, 0) for s in (State.PENDING, State.CLAIMED, State.HELD))
    return SmsTally(
        sent=states.get(State.SENT.value, 0),
        delivered=int(delivered),
        failed=refused + int(receipt_failed),
        waiting=waiting,
    )


async def sms_audience(
    session: AsyncSession,
    *,
    alert_id: int,
    kind_bit: int,
    severity: int,
    extreme_always: bool,
) -> dict[str, int]:
    """How many numbers an alert would text now, by language (the verifier's cost preview)."""
    found = union(
        _sms_only(alert_id, severity), _fallbacks(alert_id, kind_bit, severity, extreme_always)
    ).subquery("found")
    rows = await session.execute(
        select(found.c.language, func.count(func.distinct(found.c.chat_id))).group_by(
            found.c.language
        )
    )
    return {language: int(count) for language, count in rows}
