"""Who an alert's subscribers are, in SQL: the one place planning and the re-checks share.

Planning (storage.deliveries) draws subscribers from `following` and `admits`; a resident's
change and the claim of a row ask `unwanted` of waiting rows, which applies the same rules to
rows already planned (domain.delivery.rules.audience_of says which rows come from
subscriptions: not cancels, not team-only alerts, not the copies a correction owes the
original's recipients). A new way of following alerts is added to `following`.
"""

from __future__ import annotations

import functools
from collections.abc import Collection

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, exists, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the resident tables)
from domain.alerts import AlertKind, MsgType
from domain.delivery.rules import RECEIVED, Kind, State
from storage.alert_models import alert, alert_district
from storage.delivery_models import delivery

resident = SQLModel.metadata.tables["resident"]
subscription = SQLModel.metadata.tables["subscription"]
corridor = SQLModel.metadata.tables["corridor_subscription"]
WITHDRAWN_WHY = "the resident's choices exclude it"
_WAITING = (State.PENDING.value, State.HELD.value)


def following() -> Subquery:
    """(chat_id, alert_id) for every chat that follows one of an alert's districts, or its road
    or railway (wherever the chat lives): filtered by alert when planning, by chat and alert
    when re-checking one row. A new way of following alerts joins this as a UNION, and both
    planning and the re-checks obey it."""
    by_district = select(subscription.c.chat_id, alert_district.c.alert_id).join(
        alert_district, alert_district.c.district == subscription.c.district
    )
    by_route = select(corridor.c.chat_id, alert.c.id.label("alert_id")).join(
        alert, alert.c.route == corridor.c.route
    )
    return union_all(by_district, by_route).subquery("following")


def followers(alert_id: int) -> Select[tuple[int]]:
    """The chats that follow one of this alert's districts or its route."""
    follow = following()
    return select(follow.c.chat_id).where(follow.c.alert_id == alert_id)


def admits(kind_bit: ColumnElement[int], severity: ColumnElement[int]) -> ColumnElement[bool]:
    """The resident row is active and its kinds and minimum severity let the alert through."""
    return and_(
        resident.c.active.is_(True),
        resident.c.kinds_mask.op("&")(kind_bit) != 0,
        resident.c.min_severity <= severity,
    )


def kind_bit_of(kind: ColumnElement[str]) -> ColumnElement[int]:
    """The kinds-mask bit of a stored alert kind (AlertKind.bit, in SQL)."""
    return case({k.value: k.bit for k in AlertKind}, value=kind, else_=0)


@functools.cache  # built once: statements that embed it then hit SQLAlchemy's compiled cache
def unwanted() -> ColumnElement[bool]:
    """SQL for "this delivery row is a subscriber's copy its chat no longer wants": the chat
    unsubscribed, unticked the alert's kind, raised its minimum severity or went inactive.
    Correlated to the `delivery` row of the enclosing statement."""
    original, copy = alert.alias("original"), delivery.alias("original_copy")
    follow = following()
    # An update also goes to whoever received the original, whatever they follow now. The
    # copy is found by its unique key, never by scanning every copy sent.
    original_id = (
        select(original.c.id)
        .where(original.c.identifier == alert.c.refers_to)
        .correlate(alert)
        .scalar_subquery()
    )
    received_original = (
        select(copy.c.id)
        .where(
            copy.c.alert_id == original_id,
            copy.c.chat_id == delivery.c.chat_id,
            copy.c.kind == Kind.SEND.value,
            copy.c.state.in_([s.value for s in RECEIVED]),
        )
        .correlate(delivery, alert)
    )
    follows = (
        select(follow.c.chat_id)
        .where(follow.c.chat_id == delivery.c.chat_id, follow.c.alert_id == alert.c.id)
        .correlate(delivery, alert)
    )
    wanted = (
        select(resident.c.chat_id)
        .where(
            resident.c.chat_id == delivery.c.chat_id,
            admits(kind_bit_of(alert.c.kind), alert.c.severity),
            exists(follows),
        )
        .correlate(delivery, alert)
    )
    subscribers_copy = (
        select(alert.c.id)
        .where(
            alert.c.id == delivery.c.alert_id,
            alert.c.msg_type != MsgType.CANCEL.value,
            alert.c.restricted_to_team.is_(False),
            ~exists(wanted),
            ~exists(received_original),
        )
        .correlate(delivery)
    )
    return and_(delivery.c.kind == Kind.SEND.value, exists(subscribers_copy))


async def withdraw_for_chat(session: AsyncSession, *, chat_id: int) -> int:
    """A resident changed their choices: their waiting and held rows those choices now
    exclude are withdrawn (one statement); returns how many."""
    result = await session.execute(
        delivery.update()
        .where(delivery.c.chat_id == chat_id, delivery.c.state.in_(_WAITING), unwanted())
        .values(state=State.WITHDRAWN.value, last_error=WITHDRAWN_WHY)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def withdraw_claimed(session: AsyncSession, *, ids: Collection[int]) -> set[int]:
    """The re-check at claim time (a change during the fan-out): which of these just-claimed
    rows the chat no longer wants; they are withdrawn, their claim not counted as an attempt."""
    if not ids:
        return set()
    result = await session.execute(
        delivery.update()
        .where(delivery.c.id.in_(list(ids)), unwanted())
        .values(
            state=State.WITHDRAWN.value,
            last_error=WITHDRAWN_WHY,
            lease_owner=None,
            lease_until=None,
            attempts=delivery.c.attempts - 1,
        )
        .returning(delivery.c.id)
    )
    return set(result.scalars())
