"""Per-alert mutes on the configured database: the chain's first alert, the hour, purging."""

from datetime import UTC, datetime, timedelta

from domain.alerts import Severity
from storage import mutes
from storage.db import Database
from tests.delivery.helpers import correct, publish


async def test_a_mute_names_the_chain_and_lasts_its_hour(database: Database) -> None:
    now = datetime.now(UTC)
    original = await publish(database, now=now)
    update = await correct(database, original, severity=Severity.EXTREME, now=now)
    later = await correct(database, update, severity=Severity.SEVERE, now=now)
    async with database.transaction() as session:
        assert await mutes.thread_of(session, identifier=later.identifier) == original.identifier
        assert await mutes.thread_of(session, identifier=original.identifier) == (
            original.identifier
        )
        assert await mutes.thread_of(session, identifier="KB-2026-9999") is None
        await mutes.mute_thread(
            session, chat_id=5, thread=original.identifier, until=now + timedelta(hours=1)
        )
        # Pressed again later: the hour starts again (one row).
        await mutes.mute_thread(
            session, chat_id=5, thread=original.identifier, until=now + timedelta(hours=2)
        )
    async with database.read() as session:
        threads, chats = [original.identifier, "KB-2026-9999"], [5, 6]
        assert await mutes.muted(session, threads=threads, chat_ids=chats, now=now) == {
            (5, original.identifier)
        }
        later_on = now + timedelta(minutes=90)
        assert await mutes.muted(session, threads=threads, chat_ids=chats, now=later_on) == {
            (5, original.identifier)
        }
        assert await mutes.count_for_chat(session, chat_id=5, now=now) == 1
    async with database.transaction() as session:
        assert await mutes.purge_expired(session, now=now + timedelta(hours=1)) == 0
        assert await mutes.purge_expired(session, now=now + timedelta(hours=2)) == 1
    async with database.read() as session:
        assert await mutes.count_for_chat(session, chat_id=5, now=now) == 0
