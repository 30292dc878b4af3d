"""What residents ask about themselves: /mydata in one read; following places and routes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from storage import checkins, delivery_upkeep, mutes, residents
from storage.db import Database


@dataclass(frozen=True, slots=True)
class StoredData:
    """Besides the resident row: the districts and routes a chat follows, how many deliveries
    it has, and how many alerts it muted."""

    followed: list[str]
    deliveries: int
    corridors: list[str]
    mutes: int = 0
    answers: int = 0  # check-in answers under alerts


async def stored_data(
    *, database: Database, chat_id: int, now: datetime | None = None
) -> StoredData:
    """Everything /mydata shows beside the resident row, read together."""
    async with database.read() as session:
        followed = await residents.list_subscriptions(session, chat_id=chat_id)
        deliveries = await delivery_upkeep.count_for_chat(session, chat_id=chat_id)
        corridors = await residents.list_corridors(session, chat_id=chat_id)
        muted = await mutes.count_for_chat(session, chat_id=chat_id, now=now or datetime.now(UTC))
        answers = await checkins.count_for_chat(session, chat_id=chat_id)
    return StoredData(followed, deliveries, corridors, muted, answers)


@dataclass(frozen=True, slots=True)
class Changed:
    """The district slugs and route codes a follow or unfollow actually changed."""

    districts: list[str]
    routes: list[str]


async def follow(
    *,
    database: Database,
    chat_id: int,
    language: str,
    districts: Sequence[str] = (),
    routes: Sequence[str] = (),
) -> Changed:
    """Follow districts and roads or railways in one transaction (a new chat gets a row)."""
    async with database.transaction() as session:
        await residents.ensure_resident(session, chat_id=chat_id, language=language)
        added = await residents.subscribe(session, chat_id=chat_id, districts=districts)
        added_routes = await residents.follow_corridors(session, chat_id=chat_id, routes=routes)
    return Changed(added, added_routes)


async def unfollow(
    *, database: Database, chat_id: int, districts: Sequence[str] = (), routes: Sequence[str] = ()
) -> Changed:
    """Stop following districts and roads or railways in one transaction."""
    async with database.transaction() as session:
        removed = await residents.unsubscribe(session, chat_id=chat_id, districts=districts)
        removed_routes = await residents.unfollow_corridors(session, chat_id=chat_id, routes=routes)
    return Changed(removed, removed_routes)


async def followed(*, database: Database, chat_id: int) -> Changed:
    """The districts and routes a chat follows, read together (for /mysubs)."""
    async with database.read() as session:
        districts = await residents.list_subscriptions(session, chat_id=chat_id)
        routes = await residents.list_corridors(session, chat_id=chat_id)
    return Changed(districts, routes)
