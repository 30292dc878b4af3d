"""The send budget several processes of one bot share on PostgreSQL: one row per budget name.

A row is a GCRA clock on the database's own clock (epoch seconds): `tat` is when the next free
slot starts, `paused_until` the end of a 429 pause. A process books a few slots at once in one
atomic statement; whatever it does not use is simply lost, so a process that dies takes at most
one booking with it and the others carry on at the full rate.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Column, Double, String, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel


class SendBudgetRow(SQLModel, table=True):
    """One shared budget (e.g. "telegram"): when its next slot starts and its pause ends."""

    __tablename__ = "send_budget"

    name: str = Field(sa_column=Column(String(32), primary_key=True))
    tat: float = Field(sa_column=Column(Double(), nullable=False))
    paused_until: float = Field(sa_column=Column(Double(), nullable=False))


@dataclass(frozen=True, slots=True)
class Booking:
    """Slots booked on the database's clock: the first starts at `start`, then one every
    interval; `now` is the database's clock when it booked them."""

    start: float
    now: float
    paused_until: float


# clock_timestamp(), not now(): a booking that waited for another's row lock must not start
# in the past. The first booking of a budget creates its row.
_RESERVE = text(
    """
    INSERT INTO send_budget AS b (name, tat, paused_until)
    VALUES (:name, extract(epoch FROM clock_timestamp()) + :span, 0)
    ON CONFLICT (name) DO UPDATE
    SET tat = greatest(b.tat, extract(epoch FROM clock_timestamp()), b.paused_until) + :span
    RETURNING b.tat - :span AS start, extract(epoch FROM clock_timestamp()) AS now,
        b.paused_until AS paused_until
    """
)
_PAUSE = text(
    """
    INSERT INTO send_budget AS b (name, tat, paused_until)
    SELECT n, extract(epoch FROM clock_timestamp()) + :seconds,
        extract(epoch FROM clock_timestamp()) + :seconds
    FROM unnest(CAST(:names AS varchar[])) AS n
    ON CONFLICT (name) DO UPDATE
    SET paused_until = greatest(b.paused_until, excluded.paused_until),
        tat = greatest(b.tat, excluded.tat)
    """
)


async def reserve_slots(
    session: AsyncSession, *, name: str, count: int, interval: float
) -> Booking:
    """Book `count` slots `interval` seconds apart, after every slot booked before and after
    any pause; one statement, so concurrent bookings never overlap."""
    row = (await session.execute(_RESERVE, {"name": name, "span": count * interval})).one()
    return Booking(float(row.start), float(row.now), float(row.paused_until))


async def pause(session: AsyncSession, *, names: Collection[str], seconds: float) -> None:
    """Telegram answered 429: no slot of these budgets starts within `seconds` from now."""
    await session.execute(_PAUSE, {"names": list(names), "seconds": seconds})
