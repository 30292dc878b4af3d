"""Residents' choices made while an alert waits for them: held and pending rows obey them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from core.context import KhabardarApp
from delivery.wiring import wake_dispatch
from domain.alerts import AlertKind, AlertText, Severity, Status, Transport, TransportMode
from domain.delivery.rules import State, local_minute
from domain.preferences import ALL_KINDS_MASK, Preferences, QuietHours
from domain.roles import Role
from faketg import FakeTelegram
from faketg.user import FakeUser
from storage import deliveries, delivery_queue, delivery_reports, delivery_upkeep, residents, team
from storage.audience import resident
from storage.db import Database
from tests.conftest import quick_progress
from tests.delivery.helpers import AUTHOR, add_residents, correct, publish
from tests.delivery.test_planning import NOON, NOW, plan, rows, send_all

NIGHT = (NOON - 60, NOON + 60)  # quiet hours around the planning minute


async def claim(db: Database, limit: int = 100) -> list[int]:
    """Claim due rows as one worker would; returns the chats claimed."""
    async with db.transaction() as session:
        claimed = await delivery_queue.claim_batch(
            session, owner="w", now=NOW, lease_until=NOW + timedelta(minutes=1), limit=limit
        )
    return sorted(c.chat_id for c in claimed)


async def test_unsubscribing_withdraws_held_and_waiting_copies(database: Database) -> None:
    await add_residents(database, [1], ["quetta", "kech"], quiet=NIGHT)
    await add_residents(database, [2], ["quetta", "kech"])
    await add_residents(database, [3], ["quetta", "mastung"])
    quetta = await publish(database, now=NOW, severity=Severity.MODERATE)
    both = await publish(
        database, now=NOW, severity=Severity.MODERATE, districts=("quetta", "kech")
    )
    await plan(database, quetta)
    await plan(database, both)

    async with database.transaction() as session:
        for chat in (1, 2, 3):
            await residents.unsubscribe(session, chat_id=chat, districts=["quetta"])

    assert await rows(database, quetta) == {
        (1, "send"): State.WITHDRAWN.value,
        (2, "send"): State.WITHDRAWN.value,
        (3, "send"): State.WITHDRAWN.value,
    }
    # Kech is still followed: that alert still waits (held for the night, or due).
    assert await rows(database, both) == {
        (1, "send"): "held",
        (2, "send"): "pending",
        (3, "send"): State.WITHDRAWN.value,
    }
    # The night ends: only what the resident still wants is released and sent.
    async with database.transaction() as session:
        await residents.set_preferences(session, chat_id=1, prefs=Preferences())
        await delivery_upkeep.release_held_for_chat(session, chat_id=1, minute=NOON)
    assert await claim(database) == [1, 2]


async def test_unticking_a_kind_or_raising_the_severity_withdraws_what_it_excludes(
    database: Database,
) -> None:
    await add_residents(database, [1, 2, 3], quiet=NIGHT)
    security = await publish(database, now=NOW, severity=Severity.MODERATE)
    transport = await publish(
        database,
        now=NOW,
        severity=Severity.SEVERE,
        kind=AlertKind.TRANSPORT,
        transport=Transport(TransportMode.ROAD, "N-25"),
    )
    await plan(database, security)
    await plan(database, transport)
    night = QuietHours(*NIGHT)

    async with database.transaction() as session:
        no_security = ALL_KINDS_MASK & ~AlertKind.SECURITY.bit
        await residents.set_preferences(
            session, chat_id=1, prefs=Preferences(no_security, Severity.MINOR, night)
        )
        await residents.set_preferences(
            session, chat_id=2, prefs=Preferences(ALL_KINDS_MASK, Severity.SEVERE, night)
        )
        await residents.set_preferences(
            session, chat_id=3, prefs=Preferences(ALL_KINDS_MASK, Severity.MINOR, None)
        )

    withdrawn = State.WITHDRAWN.value
    assert await rows(database, security) == {
        (1, "send"): withdrawn,
        (2, "send"): withdrawn,
        (3, "send"): "held",  # only the quiet hours changed: the tick releases it
    }
    assert await rows(database, transport) == {(c, "send"): "held" for c in (1, 2, 3)}
    async with database.transaction() as session:
        alert_id = await deliveries.alert_id_of(session, identifier=security.identifier)
        assert alert_id is not None
        counts = await delivery_reports.fanout_counts(session, alert_id=alert_id)
    assert (counts.withdrawn, counts.held, counts.waiting, counts.planned) == (2, 1, 0, 3)


async def test_a_change_the_planner_did_not_see_is_caught_at_claim_time(
    database: Database,
) -> None:
    await add_residents(database, [1, 2, 3])
    alert = await publish(database, now=NOW, severity=Severity.MODERATE)
    await plan(database, alert)
    # Changes committed beside the fan-out (the withdrawal could not see these rows yet).
    async with database.transaction() as session:
        await session.execute(
            update(resident)
            .where(resident.c.chat_id == 1)
            .values(min_severity=int(Severity.EXTREME))
        )
        await session.execute(update(resident).where(resident.c.chat_id == 2).values(kinds_mask=0))

    # The first two rows are withdrawn: the claim goes on to the next, it is no empty queue.
    assert await claim(database, limit=2) == [3]
    assert await rows(database, alert) == {
        (1, "send"): State.WITHDRAWN.value,
        (2, "send"): State.WITHDRAWN.value,
        (3, "send"): "claimed",
    }


async def test_corrections_cancels_and_team_copies_are_never_withdrawn(
    database: Database,
) -> None:
    await add_residents(database, [1, 2])
    await add_residents(database, [301], [])
    async with database.transaction() as session:
        await team.grant_role(session, user_id=301, role=Role.OPERATOR, granted_by=0)
    original = await publish(database, now=NOW)
    await plan(database, original)
    await send_all(database)
    update_ = await correct(database, original, now=NOW, severity=Severity.EXTREME)
    await plan(database, update_)
    exercise = await publish(database, now=NOW, status=Status.EXERCISE)
    await plan(database, exercise)

    async with database.transaction() as session:
        # Chat 1 had the original: the update that corrects it is still theirs.
        await residents.unsubscribe(session, chat_id=1, districts=["quetta"])
        await residents.set_preferences(
            session, chat_id=301, prefs=Preferences(ALL_KINDS_MASK, Severity.EXTREME, None)
        )

    assert await rows(database, update_) == {
        (1, "send"): "pending",
        (2, "send"): "pending",
        (1, "edit"): "pending",
        (2, "edit"): "pending",
    }
    assert await rows(database, exercise) == {(301, "send"): "pending"}
    assert await claim(database) == [1, 1, 2, 2, 301]
    await send_all(database)
    cancel = await correct(database, update_, cancel=True, now=NOW)
    await plan(database, cancel)
    assert await claim(database) == [1, 1, 2, 2]


@quick_progress
async def test_a_resident_who_unsubscribes_in_quiet_hours_never_gets_the_held_alert(
    fake: FakeTelegram, bot: KhabardarApp, database: Database, user: Callable[..., FakeUser]
) -> None:
    now_minute = local_minute(datetime.now(UTC), bot.bot_data.services.settings.tz)
    quiet = (now_minute - 5) % 1440, (now_minute + 60) % 1440
    sleeper = user((await add_residents(database, [7], ["quetta", "kech"], quiet=quiet))[0])
    routine = await publish(database, severity=Severity.MODERATE)
    wake_dispatch(bot)
    await fake.wait_until(
        lambda: any("Held for quiet hours: 1" in m.plain for m in fake.messages(AUTHOR)),
        timeout=10,
    )

    assert "Stopped alerts for Quetta" in (await sleeper.send("/unsubscribe Quetta")).plain
    await sleeper.send("/quiet off")
    # Kech is still followed: its alert arrives, and the Quetta one never does.
    turbat = AlertText("en", "Road blocked at Turbat")
    await publish(database, severity=Severity.MODERATE, districts=("kech",), texts=(turbat,))
    wake_dispatch(bot)
    await fake.wait_for_message(sleeper.chat_id, "Road blocked at Turbat", timeout=10)
    assert not any("Firing near Quetta bypass" in m.plain for m in fake.messages(7))

    async with database.transaction() as session:
        await team.grant_role(session, user_id=555, role=Role.OPERATOR, granted_by=900001)
    report = await user(555).send(f"/report {routine.identifier}")
    assert "Delivered: 0 of 1" in report.plain
    assert "Not sent, the resident changed their choices: 1" in report.plain
    assert "Held" not in report.plain and "Waiting" not in report.plain


async def test_unfollowing_a_corridor_withdraws_its_waiting_copies(database: Database) -> None:
    await add_residents(database, [1, 2], ["gwadar"])
    await add_residents(database, [3], ["mastung"])
    async with database.transaction() as session:
        for chat in (1, 2, 3):
            await residents.follow_corridors(session, chat_id=chat, routes=["N-25"])
    suspension = await publish(
        database,
        now=NOW,
        kind=AlertKind.TRANSPORT,
        severity=Severity.MODERATE,
        districts=("mastung",),
        transport=Transport(TransportMode.ROAD, "N-25"),
    )
    await plan(database, suspension)
    assert await rows(database, suspension) == {
        (1, "send"): "pending",
        (2, "send"): "pending",
        (3, "send"): "pending",
    }
    async with database.transaction() as session:
        for chat in (1, 3):
            await residents.unfollow_corridors(session, chat_id=chat, routes=["N-25"])
    # Chat 3 still follows Mastung, the alert's district: its copy still waits.
    assert await rows(database, suspension) == {
        (1, "send"): State.WITHDRAWN.value,
        (2, "send"): "pending",
        (3, "send"): "pending",
    }
    assert await claim(database) == [2, 3]
