"""Check-in storage on SQLite and PostgreSQL: one answer per alert and chat, counts, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.checkins import Answer
from storage import checkins, deliveries
from storage.db import Database
from tests.staff.publishing import content, publish

NOW = datetime.now(UTC)


async def test_answers_replace_count_and_are_erased(database: Database) -> None:
    published = await publish(database, content())
    async with database.transaction() as session:
        alert_id = await deliveries.alert_id_of(session, identifier=published.identifier)
        assert alert_id is not None
        first = await checkins.record_answer(
            session, alert_id=alert_id, chat_id=1, district="quetta", answer=Answer.SAFE, now=NOW
        )
        again = await checkins.record_answer(
            session, alert_id=alert_id, chat_id=1, district="quetta", answer=Answer.HELP, now=NOW
        )
        old = NOW - timedelta(days=31)
        await checkins.record_answer(
            session, alert_id=alert_id, chat_id=2, district="quetta", answer=Answer.LEFT, now=old
        )
    assert first is None and again is Answer.SAFE
    async with database.transaction() as session:
        (counts,) = await checkins.counts(session, identifiers=[published.identifier])
        assert (counts.safe, counts.help, counts.left) == (0, 1, 1)
        assert await checkins.purge_older(session, before=NOW - timedelta(days=30)) == 1
        assert await checkins.count_for_chat(session, chat_id=1) == 1
        assert await checkins.forget_chat(session, chat_id=1) == 1
        assert await checkins.counts(session) == []
