"""Planning a fan-out: who gets a row, deduplicated, filtered, held, corrected; set-based SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from domain.alerts import Alert, AlertKind, Severity, Status, Urgency
from domain.delivery.rules import Kind, State
from domain.roles import Role
from storage import deliveries, delivery_queue, delivery_upkeep, team
from storage.db import Database
from storage.delivery_models import delivery
from tests.delivery.helpers import add_residents, correct, publish

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
NOON = 12 * 60 + 0  # local minute passed to planning


async def plan(
    db: Database, alert: Alert, *, minute: int = NOON, admins: frozenset[int] = frozenset()
) -> deliveries.Plan | None:
    async with db.transaction() as session:
        return await deliveries.plan_deliveries(
            session, alert_=alert, now=NOW, minute=minute, admin_ids=admins
        )


async def rows(db: Database, alert: Alert) -> dict[tuple[int, str], str]:
    async with db.transaction() as session:
        alert_id = await deliveries.alert_id_of(session, identifier=alert.identifier)
        found = await session.execute(
            select(delivery.c.chat_id, delivery.c.kind, delivery.c.state).where(
                delivery.c.alert_id == alert_id
            )
        )
        return {(chat, kind): state for chat, kind, state in found}


async def send_all(db: Database) -> None:
    """Pretend a worker sent every due row (message id = chat id)."""
    async with db.transaction() as session:
        claimed = await delivery_queue.claim_batch(
            session, owner="w", now=NOW, lease_until=NOW + timedelta(minutes=1), limit=10_000
        )
        await delivery_queue.record_sent(
            session, sent=[(c.id, c.chat_id) for c in claimed], now=NOW
        )


async def test_one_row_per_chat_across_districts_filtered_by_preferences(
    database: Database,
) -> None:
    await add_residents(database, [1, 2], ["quetta", "mastung"])
    await add_residents(database, [3], ["mastung"])
    await add_residents(database, [4], ["kech"])
    await add_residents(database, [5], ["quetta"], kinds_mask=AlertKind.TRANSPORT.bit)
    await add_residents(database, [6], ["quetta"], min_severity=Severity.EXTREME)
    await add_residents(database, [7], ["quetta"], active=False)
    await add_residents(database, [8], ["quetta"], min_severity=Severity.SEVERE)
    alert = await publish(database, now=NOW, districts=("quetta", "mastung"))

    result = await plan(database, alert)

    assert result is not None and result.sends == 4 and result.edits == 0
    assert await rows(database, alert) == {(c, "send"): "pending" for c in (1, 2, 3, 8)}


async def test_planning_twice_plans_once(database: Database) -> None:
    await add_residents(database, [1, 2])
    alert = await publish(database, now=NOW)
    assert await plan(database, alert) is not None
    assert await plan(database, alert) is None
    assert len(await rows(database, alert)) == 2


async def test_team_only_alerts_reach_the_team_never_residents(database: Database) -> None:
    await add_residents(database, [1, 2])
    await add_residents(database, [301], [], language="ur")
    async with database.transaction() as session:
        await team.grant_role(session, user_id=301, role=Role.OPERATOR, granted_by=900001)
        await team.grant_role(session, user_id=302, role=Role.STAFF, granted_by=900001)
    exercise = await publish(database, now=NOW, status=Status.EXERCISE)

    await plan(database, exercise, admins=frozenset({900001, 301}))

    assert set(await rows(database, exercise)) == {(301, "send"), (302, "send"), (900001, "send")}


async def test_quiet_hours_hold_routine_alerts_but_not_urgent_ones(database: Database) -> None:
    await add_residents(database, [1], quiet=(22 * 60, 6 * 60))  # wraps midnight
    await add_residents(database, [2], quiet=(13 * 60, 14 * 60))
    await add_residents(database, [3])
    routine = await publish(database, now=NOW)
    urgent = await publish(database, now=NOW, urgency=Urgency.IMMEDIATE)

    await plan(database, routine, minute=23 * 60)
    await plan(database, urgent, minute=23 * 60)

    assert await rows(database, routine) == {
        (1, "send"): "held",
        (2, "send"): "pending",
        (3, "send"): "pending",
    }
    assert set((await rows(database, urgent)).values()) == {"pending"}
    async with database.transaction() as session:
        assert await delivery_upkeep.hold_and_release(session, minute=13 * 60 + 30) == (1, 1)
    assert (await rows(database, routine))[(1, "send")] == "pending"
    assert (await rows(database, routine))[(2, "send")] == "held"


async def test_update_reaches_recipients_and_new_subscribers_and_edits_old_copies(
    database: Database,
) -> None:
    await add_residents(database, [1, 2], ["quetta"])
    original = await publish(database, now=NOW)
    await plan(database, original)
    await send_all(database)
    # Chat 1 moves away; chat 3 subscribes to the update's new district; chat 4 arrives late.
    await add_residents(database, [3], ["mastung"])
    async with database.transaction() as session:
        from storage import residents

        await residents.unsubscribe(session, chat_id=1, districts=["quetta"])
    update = await correct(database, original, now=NOW, districts=("mastung",))

    result = await plan(database, update)

    assert result is not None and (result.sends, result.edits) == (3, 2)
    assert await rows(database, update) == {
        (1, "send"): "pending",
        (2, "send"): "pending",
        (3, "send"): "pending",
        (1, "edit"): "pending",
        (2, "edit"): "pending",
    }


async def test_cancel_reaches_only_those_who_received_the_original(database: Database) -> None:
    await add_residents(database, [1, 2], ["quetta"])
    original = await publish(database, now=NOW)
    await plan(database, original)
    async with database.transaction() as session:
        claimed = await delivery_queue.claim_batch(
            session, owner="w", now=NOW, lease_until=NOW + timedelta(minutes=1), limit=1
        )
        await delivery_queue.record_sent(session, sent=[(claimed[0].id, 77)], now=NOW)
    await add_residents(database, [3], ["quetta"])
    cancel = await correct(database, original, cancel=True, now=NOW)

    result = await plan(database, cancel)

    assert result is not None and (result.sends, result.edits) == (1, 1)
    assert set(await rows(database, cancel)) == {(1, "send"), (1, "edit")}
    # The original's unsent row is never sent now.
    assert (await rows(database, original))[(2, "send")] == State.SKIPPED.value


async def test_claims_go_urgent_first_and_skip_closed_alerts(database: Database) -> None:
    await add_residents(database, [1, 2])
    routine = await publish(database, now=NOW, severity=Severity.MODERATE)
    urgent = await publish(database, now=NOW, severity=Severity.EXTREME)
    await plan(database, routine)
    await plan(database, urgent)
    async with database.transaction() as session:
        first = await delivery_queue.claim_batch(
            session, owner="w", now=NOW, lease_until=NOW + timedelta(minutes=1), limit=2
        )
    assert [c.kind for c in first] == [Kind.SEND, Kind.SEND]
    urgent_id = first[0].alert_id
    assert {c.alert_id for c in first} == {urgent_id}
    later = NOW + timedelta(hours=7)  # both alerts have expired
    async with database.transaction() as session:
        assert (
            await delivery_queue.claim_batch(
                session, owner="w", now=later, lease_until=later, limit=10
            )
            == []
        )
        assert await delivery_upkeep.skip_closed(session, now=later) == 2
    assert set((await rows(database, routine)).values()) == {"skipped"}


async def test_the_heartbeat_renews_only_the_rows_in_hand(database: Database) -> None:
    await add_residents(database, [1, 2, 3])
    alert = await publish(database, now=NOW)
    await plan(database, alert)
    soon, later = NOW + timedelta(seconds=30), NOW + timedelta(minutes=5)
    async with database.transaction() as session:
        claimed = await delivery_queue.claim_batch(
            session, owner="w", now=NOW, lease_until=soon, limit=10
        )
        in_hand = [c.id for c in claimed if c.chat_id != 2]  # chat 2's claim was lost
        renewed = await delivery_queue.renew_leases(
            session, owner="w", ids=[*in_hand, 10**9], until=later
        )
        assert renewed == 2
        assert await delivery_queue.renew_leases(session, owner="w", ids=[], until=later) == 0
        # Another worker's rows are never renewed by this one.
        assert await delivery_queue.renew_leases(session, owner="x", ids=in_hand, until=later) == 0
    async with database.transaction() as session:
        leases = dict(
            (await session.execute(select(delivery.c.chat_id, delivery.c.lease_until))).all()
        )
        # The row nobody holds any more runs out with its first lease and comes back.
        assert (
            await delivery_queue.recover_expired_leases(
                session, now=soon + timedelta(milliseconds=1)
            )
            == 1
        )
    assert leases[2] is not None and leases[1] is not None and leases[2] < leases[1]
    assert (await rows(database, alert))[(2, "send")] == State.PENDING.value
