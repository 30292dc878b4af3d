"""Resident queries on the configured database (SQLite by default, PostgreSQL in CI)."""

import asyncio

from sqlalchemy import text

from domain.alerts import AlertKind, Severity
from domain.preferences import Preferences, QuietHours
from storage import residents
from storage.db import Database


async def test_ensure_is_idempotent_and_keeps_the_first_language(database: Database) -> None:
    async with database.transaction() as session:
        first = await residents.ensure_resident(session, chat_id=10, language="ur")
        again = await residents.ensure_resident(session, chat_id=10, language="en")
    assert first.language == again.language == "ur"
    async with database.transaction() as session:
        stored = await residents.get_resident(session, chat_id=10)
    assert stored is not None and stored.active and stored.kinds_mask == 7


async def test_subscribe_reports_only_new_districts(database: Database) -> None:
    async with database.transaction() as session:
        await residents.ensure_resident(session, chat_id=10, language="en")
        assert await residents.subscribe(
            session, chat_id=10, districts=["quetta", "gwadar", "quetta"]
        ) == ["quetta", "gwadar"]
        assert await residents.subscribe(session, chat_id=10, districts=["gwadar", "kech"]) == [
            "kech"
        ]
        assert await residents.unsubscribe(session, chat_id=10, districts=["kech", "zhob"]) == [
            "kech"
        ]
        assert await residents.list_subscriptions(session, chat_id=10) == ["gwadar", "quetta"]


async def test_concurrent_double_taps_store_one_row(database: Database) -> None:
    async def tap() -> None:
        async with database.transaction() as session:
            await residents.ensure_resident(session, chat_id=11, language="en")
            await residents.subscribe(session, chat_id=11, districts=["quetta"])

    await asyncio.gather(*(tap() for _ in range(5)), return_exceptions=False)
    async with database.transaction() as session:
        assert await residents.list_subscriptions(session, chat_id=11) == ["quetta"]


async def test_preferences_round_trip(database: Database) -> None:
    prefs = Preferences(AlertKind.SECURITY.bit, Severity.SEVERE, QuietHours(1380, 360))
    async with database.transaction() as session:
        await residents.ensure_resident(session, chat_id=12, language="en")
        await residents.set_preferences(session, chat_id=12, prefs=prefs)
    async with database.transaction() as session:
        stored = await residents.get_resident(session, chat_id=12)
    assert stored is not None and residents.preferences_of(stored) == prefs


async def test_delete_erases_resident_and_subscriptions(database: Database) -> None:
    async with database.transaction() as session:
        await residents.ensure_resident(session, chat_id=13, language="en")
        await residents.subscribe(session, chat_id=13, districts=["quetta", "kech"])
    async with database.transaction() as session:
        assert await residents.delete_resident(session, chat_id=13)
        assert not await residents.delete_resident(session, chat_id=13)
        left = await session.scalar(text("SELECT count(*) FROM subscription WHERE chat_id = 13"))
    assert left == 0


async def test_counts_by_district_never_lists_chats(database: Database) -> None:
    async with database.transaction() as session:
        for chat_id in (20, 21, 22):
            await residents.ensure_resident(session, chat_id=chat_id, language="en")
            await residents.subscribe(session, chat_id=chat_id, districts=["quetta"])
        await residents.subscribe(session, chat_id=22, districts=["kech"])
        counts = await residents.count_subscribers_by_district(session)
    assert counts == {"quetta": 3, "kech": 1}


async def test_sqlite_runs_in_wal_mode(database: Database) -> None:
    if not database.is_sqlite:
        return
    async with database.transaction() as session:
        assert (await session.scalar(text("PRAGMA journal_mode"))) == "wal"
        assert (await session.scalar(text("PRAGMA busy_timeout"))) == 10_000
        assert (await session.scalar(text("PRAGMA foreign_keys"))) == 1


async def test_corridors_are_followed_apart_and_erased_with_the_resident(
    database: Database,
) -> None:
    async with database.transaction() as session:
        await residents.ensure_resident(session, chat_id=20, language="en")
        await residents.subscribe(session, chat_id=20, districts=["gwadar"])
        assert await residents.follow_corridors(
            session, chat_id=20, routes=["N-25", "RAIL-QUETTA-TAFTAN", "N-25"]
        ) == ["N-25", "RAIL-QUETTA-TAFTAN"]
        assert await residents.follow_corridors(session, chat_id=20, routes=["N-25"]) == []
        assert await residents.unfollow_corridors(session, chat_id=20, routes=["N-25", "M-8"]) == [
            "N-25"
        ]
    async with database.read() as session:
        assert await residents.list_corridors(session, chat_id=20) == ["RAIL-QUETTA-TAFTAN"]
        assert await residents.list_subscriptions(session, chat_id=20) == ["gwadar"]
    async with database.transaction() as session:
        assert await residents.delete_resident(session, chat_id=20)
    async with database.read() as session:
        assert await residents.list_corridors(session, chat_id=20) == []
