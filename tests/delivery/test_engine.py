"""The engine end to end: the real Application, the fake Bot API, the test database."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import build_application, build_services
from bot.runtime import running
from core.context import Context, KhabardarApp
from core.settings import Settings
from delivery.wiring import engine_of, wake_dispatch
from domain.alerts import AlertKind, Severity, Urgency
from domain.delivery.policy import DeliveryPolicy
from domain.delivery.rules import local_minute
from domain.preferences import Preferences
from domain.roles import Role
from faketg import FakeTelegram
from faketg.user import FakeUser
from storage import residents, team
from storage.audience import resident
from storage.db import Database
from storage.delivery_models import delivery
from tests.conftest import FAST_DELIVERY, MS
from tests.delivery.helpers import AUTHOR, VERIFIER, add_residents, correct, publish
from tests.waiting import eventually

# The fake's second in the 429 storm: the same flood control, played ten times as fast.
SECOND = 0.1
STORM_CONCURRENCY = 4  # sends in flight in the 429 storm
URDU_HEADLINE = "کوئٹہ بائی پاس کے قریب فائرنگ"


@pytest.fixture
def delivery_policy() -> DeliveryPolicy:
    """Fast waits, and operators' reports refreshed every 100 ms (the tests wait for them)."""
    return dataclasses.replace(FAST_DELIVERY, progress_interval=100 * MS)


def copies(fake: FakeTelegram, chat_id: int, text: str) -> int:
    return sum(1 for m in fake.messages(chat_id) if text in m.plain)


async def test_verified_alert_reaches_subscribers_once_in_their_language(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    english = await add_residents(database, range(1, 31))
    urdu = await add_residents(database, range(31, 41), language="ur")
    others = await add_residents(database, [41], ["kech"])
    await add_residents(database, [42], kinds_mask=AlertKind.TRANSPORT.bit)
    await add_residents(database, [43], min_severity=Severity.EXTREME)
    alert = await publish(database)

    wake_dispatch(bot)

    everyone = english + urdu
    await fake.wait_until(lambda: all(fake.messages(c) for c in everyone), timeout=10)
    assert all(copies(fake, c, "Firing near Quetta bypass") == 1 for c in english)
    assert all(copies(fake, c, URDU_HEADLINE) == 1 for c in urdu)
    assert "verified by 2 operators" in fake.last(1).plain
    # The operators follow the fan-out in one message that ends as a report.
    report = await fake.wait_for_message(AUTHOR, "Finished", timeout=10)
    assert f"Delivery of {alert.identifier}" in report.plain
    assert "Delivered: 40 of 40" in report.plain
    await fake.wait_for_message(VERIFIER, "Delivered: 40 of 40", timeout=10)
    assert [fake.messages(c) for c in (*others, 42, 43)] == [[], [], []]
    assert max(fake.stats.messages_per_chat[c] for c in everyone) == 1


async def test_a_restarted_bot_resumes_the_fan_out_at_once(
    fake: FakeTelegram,
    database: Database,
    settings: Callable[..., Settings],
) -> None:
    # An alert verified while no process ran (or before a crash): nobody wakes dispatch, and
    # its tick is an hour away, so only the first run at start-up can send it.
    chats = await add_residents(database, range(1, 6))
    await publish(database)
    config = settings(telegram_api_base_url=fake.base_url)
    policy = dataclasses.replace(FAST_DELIVERY, dispatch_interval=timedelta(hours=1))
    app = build_application(config, build_services(config, delivery=policy))
    async with running(app, poll_timeout=5):
        await fake.wait_until(lambda: all(fake.messages(c) for c in chats), timeout=10)
    assert all(copies(fake, c, "Firing near Quetta bypass") == 1 for c in chats)


async def test_a_tick_still_running_at_shutdown_does_not_start_the_sender_again(
    bot: KhabardarApp,
) -> None:
    # The JobQueue's shutdown does not wait for a running tick; one that ends after the stop
    # must leave the sender stopped, or the app closes the database under it.
    engine = engine_of(bot)
    assert engine is not None

    def senders() -> list[asyncio.Task[object]]:
        return [t for t in asyncio.all_tasks() if t.get_name() == "delivery-sender"]

    engine.stop()
    await asyncio.gather(*senders())  # the running sender hands its rows back and returns
    await engine.dispatch(Context(bot))
    assert senders() == []


async def test_a_tick_while_the_app_is_not_running_starts_no_sender(
    fake: FakeTelegram, database: Database, settings: Callable[..., Settings]
) -> None:
    # stop() clears `running` before the JobQueue shuts down; a tick ending in that window
    # must not start a sender the app would not await before it closes the database.
    config = settings(telegram_api_base_url=fake.base_url)
    app = build_application(config, build_services(config, database=database))
    engine = engine_of(app)
    assert engine is not None and not app.running
    await engine.dispatch(Context(app))
    assert [t for t in asyncio.all_tasks() if t.get_name() == "delivery-sender"] == []


async def test_quiet_hours_hold_routine_alerts_until_they_end(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    now_minute = local_minute(datetime.now(UTC), bot.bot_data.services.settings.tz)
    quiet = (now_minute - 5) % 1440, (now_minute + 60) % 1440
    sleeper = (await add_residents(database, [7], quiet=quiet))[0]
    awake = (await add_residents(database, [8]))[0]
    await publish(database, severity=Severity.MODERATE)
    urgent = await publish(database, severity=Severity.EXTREME, urgency=Urgency.IMMEDIATE)
    wake_dispatch(bot)

    await fake.wait_until(lambda: len(fake.messages(awake)) == 2, timeout=10)
    await fake.wait_until(lambda: len(fake.messages(sleeper)) == 1, timeout=10)
    assert urgent.identifier in fake.last(sleeper).plain
    # The night ends (the resident clears their quiet hours): the routine alert follows.
    async with database.transaction() as session:
        await residents.set_preferences(session, chat_id=sleeper, prefs=Preferences())
    engine = engine_of(bot)
    assert engine is not None
    await engine.quiet_hours(None)  # type: ignore[arg-type]
    await fake.wait_until(lambda: len(fake.messages(sleeper)) == 2, timeout=10)


async def test_ending_quiet_hours_releases_held_alerts_at_once(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    now_minute = local_minute(datetime.now(UTC), bot.bot_data.services.settings.tz)
    quiet = (now_minute - 5) % 1440, (now_minute + 60) % 1440
    sleeper = (await add_residents(database, [7], quiet=quiet))[0]
    routine = await publish(database, severity=Severity.MODERATE)
    wake_dispatch(bot)
    # The operator's report shows the copy held for the night.
    await fake.wait_until(
        lambda: any("Held for quiet hours: 1" in m.plain for m in fake.messages(AUTHOR)),
        timeout=10,
    )
    assert fake.messages(sleeper) == []
    # The resident ends their quiet hours; the held alert follows now, not at the next tick.
    fake.send_text(sleeper, "/quiet off")
    await fake.wait_for_message(sleeper, routine.content.texts[0].headline, timeout=10)


async def test_update_and_cancel_edit_the_copies_people_have(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    chats = await add_residents(database, [1, 2])
    original = await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(lambda: all(fake.messages(c) for c in chats), timeout=10)
    first = {c: fake.last(c).message_id for c in chats}

    update = await correct(database, original, severity=Severity.EXTREME)
    wake_dispatch(bot)
    await fake.wait_until(lambda: all(len(fake.messages(c)) == 2 for c in chats), timeout=10)
    await fake.wait_until(
        lambda: all("UPDATED by" in fake.messages(c)[0].plain for c in chats), timeout=10
    )
    assert f"UPDATE to {original.identifier}" in fake.last(1).plain
    assert fake.messages(1)[0].message_id == first[1]
    assert "Firing near Quetta bypass" in fake.messages(1)[0].plain

    await add_residents(database, [3])  # subscribed after: never saw it, gets no cancel
    await correct(database, update, cancel=True)
    wake_dispatch(bot)
    await fake.wait_until(lambda: all(len(fake.messages(c)) == 3 for c in chats), timeout=10)
    await fake.wait_until(
        lambda: all("CANCELLED by" in fake.messages(c)[1].plain for c in chats), timeout=10
    )
    assert "Reason: False report" in fake.last(2).plain
    assert fake.messages(3) == []


async def test_report_command_for_operators(
    user: Callable[..., FakeUser], fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    await add_residents(database, [1, 2, 3])
    alert = await publish(database)
    async with database.transaction() as session:
        await team.grant_role(session, user_id=555, role=Role.OPERATOR, granted_by=900001)
    wake_dispatch(bot)
    await fake.wait_for_message(AUTHOR, "Finished", timeout=10)

    reply = await user(555).send(f"/report {alert.identifier.lower()}")

    assert "Delivered: 3 of 3" in reply.plain and "Finished" in reply.plain
    refused = await user(4).send(f"/report {alert.identifier}")
    assert "only for the Khabardar team" in refused.plain
    unknown = await user(555).send("/report KB-2026-9999")
    assert "There is no alert KB-2026-9999" in unknown.plain


async def test_blocked_chats_are_deactivated_and_never_retried(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    chats = await add_residents(database, range(1, 21))
    fake.faults.blocked = {3, 4}
    fake.faults.deactivated = {5}
    fake.faults.not_found = {6}
    await publish(database)
    wake_dispatch(bot)
    await fake.wait_for_message(AUTHOR, "Finished", timeout=10)
    assert "Blocked the bot or left Telegram: 4" in fake.last(AUTHOR).plain

    await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(lambda: all(len(fake.messages(c)) == 2 for c in chats[6:]), timeout=10)

    async with database.transaction() as session:
        gone = [await residents.get_resident(session, chat_id=c) for c in (3, 4, 5, 6)]
    assert [r.active for r in gone if r] == [False, False, False, False]
    # One attempt each, for both alerts together: never retried, never planned again.
    refused = [chat or 0 for _method, chat, _text in fake.state.recent_errors]
    assert sorted(refused) == [3, 4, 5, 6]


async def test_server_errors_are_retried_until_everyone_has_it(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    chats = await add_residents(database, range(1, 101))
    fake.faults.update({"fail_rate": 0.1, "latency_ms": 10, "seed": 7})
    await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(lambda: all(fake.messages(c) for c in chats), timeout=30)
    assert fake.stats.server_errors > 0
    assert max(fake.stats.messages_per_chat[c] for c in chats) == 1
    async with database.transaction() as session:
        states = set((await session.scalars(select(delivery.c.state))).all())
    assert states <= {"sent", "claimed", "pending"}


# Nothing but the rows' own due times wakes the sender: no idle look, no dispatch tick.
DUE_TIMES_ONLY = dataclasses.replace(
    FAST_DELIVERY, idle_poll=timedelta(minutes=5), dispatch_interval=timedelta(minutes=5)
)


@pytest.mark.parametrize("delivery_policy", [DUE_TIMES_ONLY], ids=["due-times-only"])
async def test_retries_and_a_chats_next_message_go_out_when_due_not_at_the_next_look(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    chats = await add_residents(database, range(1, 21))
    fake.faults.update({"fail_rate": 0.2, "seed": 7})
    # Two alerts at once: every chat has two messages to get. A send that failed is due again
    # after its backoff; on PostgreSQL a chat's second message is also held back until its gap
    # after the first has passed (claims keep the spacing across workers).
    await publish(database)
    await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(
        lambda: all(fake.stats.messages_per_chat[c] == 2 for c in chats), timeout=10
    )
    assert fake.stats.server_errors > 0


@pytest.mark.paced(second=SECOND, concurrency=STORM_CONCURRENCY)
async def test_a_429_storm_pauses_every_send_without_escalating(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    chats = await add_residents(database, range(1, 31))
    fake.faults.second = SECOND  # Telegram's flood control, ten times as fast
    fake.faults.rate_limit = 10
    fake.faults.retry_after = 1
    started = datetime.now(UTC)
    await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(lambda: all(fake.messages(c) for c in chats), timeout=20)
    took = datetime.now(UTC) - started
    stats = fake.stats
    # A penalty starts only when ten sends fit in one window, and after it the window is empty.
    assert 1 <= stats.penalties <= (stats.messages_sent + stats.edits) // 10
    # A penalty costs one 429 per send already in flight when it began (the broadcast's
    # workers and the operators' two progress messages), however slow the machine; a bot
    # that kept sending through it would collect one every few milliseconds.
    assert stats.too_many_requests <= stats.penalties * (STORM_CONCURRENCY + 2)
    assert took >= timedelta(seconds=SECOND)  # at least one whole penalty was waited out
    assert max(stats.messages_per_chat[c] for c in chats) == 1


async def test_a_passing_error_never_freezes_the_operators_progress(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    chats = await add_residents(database, [1])
    # The resident's copy and both operators' progress messages are the first three sends:
    # whichever of them fail, each is tried again.
    fake.faults.fail_next(3, 502, methods={"sendMessage"})
    alert = await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(lambda: all(fake.messages(c) for c in chats), timeout=30)
    for operator in (AUTHOR, VERIFIER):
        report = await fake.wait_for_message(operator, "Finished", timeout=30)
        assert f"Delivery of {alert.identifier}" in report.plain
        assert "Delivered: 1 of 1" in report.plain


async def test_a_group_that_became_a_supergroup_gets_the_alert_at_its_new_id(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    old, new, both_old, both_new = -5001, -1005001, -5002, -1005002
    await add_residents(database, [old, both_old, both_new])
    fake.faults.migrated.update({old: new, both_old: both_new})
    alert = await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(lambda: fake.messages(new) and fake.messages(both_new), timeout=10)

    async def settled() -> bool:
        async with database.read() as session:
            found = await session.execute(select(delivery.c.chat_id, delivery.c.state))
            return {chat: state for chat, state in found} == {
                new: "sent",
                both_new: "sent",  # followed before and after the move: one copy
                both_old: "skipped",  # its row was not moved onto the one already there
            }

    await eventually(settled)
    assert fake.stats.messages_per_chat[both_new] == 1
    assert alert.identifier in fake.last(new).plain
    async with database.read() as session:
        followers = set((await session.scalars(select(resident.c.chat_id))).all())
    assert followers == {new, both_new}  # the resident moved with its subscriptions
