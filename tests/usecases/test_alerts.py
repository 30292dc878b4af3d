"""Alert use-cases: each request one transaction, answered with an outcome, never an exception."""

from __future__ import annotations

from datetime import timedelta

import storage.alert_models  # noqa: F401  (registers the tables, so the fixture clears them)
from domain.alerts import AlertState, Changes, Outcome, ProblemCode, Severity
from storage import sessions
from storage.db import Database
from storage.sessions import Flow
from tests.storage.test_alerts import AUTHOR, NOW, OPERATOR, G, content
from usecases import alerts


async def test_draft_submit_approve_then_update_and_cancel(database: Database) -> None:
    async with database.transaction() as session:
        await sessions.save_flow(session, user_id=AUTHOR, flow=Flow("new", "preview", {}))
    new = await alerts.draft_and_submit(
        database=database, content=content(), by=AUTHOR, gazetteer=G, now=NOW
    )
    assert new.done and new.alert is not None and new.alert.state is AlertState.PENDING
    async with database.read() as session:
        assert await sessions.get_flow(session, user_id=AUTHOR) is None  # the wizard is over
    reference = new.alert.identifier
    own = await alerts.approve(database=database, identifier=reference, by=AUTHOR, now=NOW)
    assert own.outcome is Outcome.OWN_ALERT
    approved = await alerts.approve(database=database, identifier=reference, by=OPERATOR, now=NOW)
    assert approved.done
    assert await alerts.live_alert(database=database, identifier=reference) is not None

    later = NOW + timedelta(minutes=5)
    changed = await alerts.update(
        database=database,
        original=reference,
        by=AUTHOR,
        changes=Changes(severity=Severity.EXTREME),
        gazetteer=G,
        now=later,
    )
    assert changed.done and changed.alert is not None
    assert changed.alert.state is AlertState.PENDING
    withdrawn = await alerts.cancel(
        database=database, original=reference, by=AUTHOR, reason="false report", now=later
    )
    assert withdrawn.done and withdrawn.alert is not None
    gone = await alerts.cancel(
        database=database, original="KB-2026-9999", by=AUTHOR, reason="typo", now=later
    )
    assert gone.outcome is Outcome.NOT_FOUND and gone.alert is None


async def test_invalid_content_and_reason_come_back_as_problems(database: Database) -> None:
    stale = await alerts.draft_and_submit(
        database=database,
        content=content(expires=NOW - timedelta(hours=1)),
        by=AUTHOR,
        gazetteer=G,
        now=NOW,
    )
    assert stale.alert is None and stale.problems
    new = await alerts.draft_and_submit(
        database=database, content=content(), by=AUTHOR, gazetteer=G, now=NOW
    )
    assert new.alert is not None
    assert await alerts.ask_for_reason(database=database, identifier=new.alert.identifier, by=2)
    empty = await alerts.reject(
        database=database, identifier=new.alert.identifier, by=2, reason=" ", now=NOW
    )
    assert [p.code for p in empty.problems] == [ProblemCode.REASON_MISSING]
    async with database.read() as session:  # the reason is still awaited
        assert await sessions.get_flow(session, user_id=2) is not None
    rejected = await alerts.reject(
        database=database, identifier=new.alert.identifier, by=2, reason="unconfirmed", now=NOW
    )
    assert rejected.done and rejected.alert is not None
    assert rejected.alert.state is AlertState.REJECTED
    assert await alerts.pending(database=database) == []
