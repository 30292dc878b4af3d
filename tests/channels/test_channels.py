"""District channels end to end: link, post, update, cancel, channel-only, unlink, bad input."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from telegram.ext import Job

from core.context import KhabardarApp
from delivery.channels import refresh_member_counts
from delivery.wiring import wake_dispatch
from domain.alerts import Severity, Status, Urgency
from domain.delivery.policy import DeliveryPolicy
from faketg import FakeTelegram
from faketg.user import FakeUser
from storage import audit, channels
from storage.db import Database
from storage.delivery_models import delivery
from tests.conftest import ADMIN_ID, FAST_DELIVERY, MS
from tests.delivery.helpers import AUTHOR, add_residents, correct, publish

CHANNEL = -1001000000001
URDU = -1001000000002
HEADLINE = "Firing near Quetta bypass"


@pytest.fixture
def delivery_policy() -> DeliveryPolicy:
    """Fast waits, and operators' reports refreshed every 100 ms (the tests wait for them)."""
    return dataclasses.replace(FAST_DELIVERY, progress_interval=100 * MS)


@pytest.fixture
def admin(user: Callable[..., FakeUser]) -> FakeUser:
    return user(ADMIN_ID)


async def until_member_count(database: Database, count: int) -> None:
    """Wait (bounded) until the stored member count of CHANNEL is this."""
    async with asyncio.timeout(5):
        while True:
            async with database.read() as session:
                found = await channels.get_channel(session, chat_id=CHANNEL)
            if found is not None and found.member_count == count:
                return
            await asyncio.sleep(0.02)  # a database condition: nothing to be woken by


async def until_recorded(database: Database, count: int) -> list[tuple[str, int, str]]:
    """Wait (bounded) until this many rows of CHANNEL are recorded sent; (kind, id, state)."""
    async with asyncio.timeout(5):
        while True:
            async with database.read() as session:
                rows = (
                    await session.execute(
                        select(delivery.c.kind, delivery.c.message_id, delivery.c.state)
                        .where(delivery.c.chat_id == CHANNEL)
                        .order_by(delivery.c.id)
                    )
                ).all()
            if sum(1 for r in rows if r.state == "sent") >= count:
                return [(r.kind, r.message_id, r.state) for r in rows]
            await asyncio.sleep(0.02)  # a database condition: nothing to be woken by


async def link(admin: FakeUser, words: str) -> str:
    return (await admin.send(f"/channel link {words}")).plain


async def test_link_list_and_unlink(
    fake: FakeTelegram, admin: FakeUser, database: Database, user: Callable[..., FakeUser]
) -> None:
    fake.add_channel(CHANNEL, title="KB Quetta", username="kb_quetta", member_count=1200)
    answer = await link(admin, "@kb_quetta quetta division en")
    assert "Linked @kb_quetta (English) to Quetta, Pishin, Killa Abdullah, Chaman" in answer
    listed = (await admin.send("/channel list")).plain
    assert "@kb_quetta (en)" in listed and "1200 members" in listed
    again = await link(admin, "@kb_quetta kech en")
    assert "already linked to Quetta, Pishin" in again
    refused = await user(4242).send("/channel list")
    assert "only for the Khabardar team" in refused.plain
    gone = (await admin.send("/channel unlink @KB_quetta")).plain
    assert "Unlinked @kb_quetta" in gone
    assert "not a linked channel" in (await admin.send("/channel unlink @kb_quetta")).plain
    async with database.read() as session:
        entries = await audit.list_audit(session)
    actions = [e.action.value for e in entries]
    assert actions[:2] == ["channel_unlinked", "channel_linked"]


async def test_linking_says_exactly_what_is_missing(fake: FakeTelegram, admin: FakeUser) -> None:
    fake.add_channel(CHANNEL, username="kb_left", bot_status="left")
    fake.add_channel(URDU, username="kb_rights", can_post_messages=False, can_edit_messages=False)
    assert "The bot is not in @kb_left" in await link(admin, "@kb_left quetta en")
    both = await link(admin, "@kb_rights quetta ur")
    assert "turn on “Post messages”" in both and "turn on “Edit messages of others”" in both
    assert "Telegram knows no channel @nobody_here" in await link(admin, "@nobody_here quetta en")
    fake.add_channel(-1009999999999, username="kb_fine")
    assert "Did you mean Quetta?" in await link(admin, "@kb_fine quetah en")
    assert "is not a language I speak" in await link(admin, "@kb_fine quetta fr")
    assert "District channels" in await link(admin, "@kb_fine")
    assert "District channels" in await link(admin, "<b>kb</b> quetta en")
    assert "Send /channel link" not in await link(admin, "@kb_fine " + "x" * 10_000 + " en")
    assert "No channels are linked yet" in (await admin.send("/channel list")).plain


async def test_a_group_is_not_a_channel(fake: FakeTelegram, admin: FakeUser) -> None:
    group = {"id": -1001555, "type": "group", "title": "G", "username": "kb_group"}
    fake.state.chat_info[-1001555] = group
    assert "is a group or a private chat, not a channel" in await link(admin, "@kb_group quetta en")


async def test_a_forwarded_post_names_the_channel_and_a_reply_links_it(
    fake: FakeTelegram, admin: FakeUser
) -> None:
    fake.add_channel(CHANNEL, title="KB Quetta", username="kb_quetta")
    mark = fake.mark(ADMIN_ID)
    fake.forward_from_channel(ADMIN_ID, CHANNEL, 7)
    hint = await fake.wait_for_message(ADMIN_ID, after=mark)
    assert "This post is from the channel @kb_quetta" in hint.plain
    forwarded = max(fake.state.chat(ADMIN_ID).user_messages)
    mark = fake.mark(ADMIN_ID)
    fake.state.user_message(
        ADMIN_ID,
        "/channel link quetta en",
        fake.state.user(ADMIN_ID, "Admin", "en", None),
        {"reply_to_message": fake.state.chat(ADMIN_ID).user_messages[forwarded]},
    )
    answer = await fake.wait_for_message(ADMIN_ID, after=mark)
    assert "Linked @kb_quetta (English) to Quetta" in answer.plain


async def test_verified_alerts_are_posted_before_the_private_fan_out(
    fake: FakeTelegram, bot: KhabardarApp, database: Database, admin: FakeUser
) -> None:
    fake.add_channel(CHANNEL, username="kb_quetta", title="KB Quetta")
    fake.add_channel(URDU, username="kb_quetta_ur", title="KB Quetta Urdu")
    await link(admin, "@kb_quetta quetta en")
    await link(admin, "@kb_quetta_ur quetta ur")
    chats = await add_residents(database, range(1, 21))
    await publish(database, status=Status.EXERCISE)
    alert = await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(
        lambda: all(alert.identifier in fake.last(c).plain for c in chats if fake.messages(c)),
        timeout=10,
    )
    await fake.wait_until(lambda: all(fake.messages(c) for c in chats), timeout=10)
    posts = fake.messages(CHANNEL)
    assert [HEADLINE in p.plain for p in posts] == [True]  # the exercise never went there
    assert "verified by 2 operators" in posts[0].plain
    assert "کوئٹہ بائی پاس کے قریب فائرنگ" in fake.last(URDU).plain
    real = [fake.last(c) for c in chats]
    assert posts[0].seq < min(m.seq for m in real)
    report = await fake.wait_for_message(
        AUTHOR, lambda m: alert.identifier in m.plain and "Finished" in m.plain, timeout=10
    )
    assert "Delivered: 20 of 20" in report.plain
    assert "KB Quetta: posted" in report.plain and "KB Quetta Urdu: posted" in report.plain


async def test_update_and_cancel_edit_the_post_and_reply_to_it(
    fake: FakeTelegram, bot: KhabardarApp, database: Database, admin: FakeUser
) -> None:
    fake.add_channel(CHANNEL, username="kb_quetta", title="KB Quetta")
    await link(admin, "@kb_quetta quetta en")
    original = await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(lambda: len(fake.messages(CHANNEL)) == 1, timeout=10)
    first = fake.messages(CHANNEL)[0]

    update = await correct(database, original, severity=Severity.EXTREME)
    wake_dispatch(bot)
    await fake.wait_until(lambda: len(fake.messages(CHANNEL)) == 2, timeout=10)
    await fake.wait_until(lambda: "UPDATED by" in first.plain, timeout=10)
    reply = fake.messages(CHANNEL)[1]
    assert f"UPDATE to {original.identifier}" in reply.plain
    assert reply.reply_to is first

    await correct(database, update, cancel=True)
    wake_dispatch(bot)
    await fake.wait_until(lambda: len(fake.messages(CHANNEL)) == 3, timeout=10)
    await fake.wait_until(lambda: "CANCELLED by" in reply.plain, timeout=10)
    cancel = fake.messages(CHANNEL)[2]
    assert cancel.reply_to is reply and "Reason: False report" in cancel.plain
    assert fake.stats.messages_per_chat[CHANNEL] == 3
    # Each post's Telegram message id is recorded once, on its own row; edits keep the target.
    rows = await until_recorded(database, 5)
    posts = [m.message_id for m in fake.messages(CHANNEL)]
    assert rows == [
        ("chpost", posts[0], "sent"),
        ("chpost", posts[1], "sent"),
        ("chedit", posts[0], "sent"),
        ("chpost", posts[2], "sent"),
        ("chedit", posts[1], "sent"),
    ]


async def test_channel_posts_follow_the_residents_sound_rule(
    fake: FakeTelegram, bot: KhabardarApp, database: Database, admin: FakeUser
) -> None:
    """A routine alert is posted silently and a grave one rings, as residents' copies are: a
    channel ringing for every notice gets muted by its members, who then miss the Extreme one.
    A post carries no buttons (check-ins and mutes are per resident)."""
    fake.add_channel(CHANNEL, username="kb_quetta", title="KB Quetta")
    await link(admin, "@kb_quetta quetta en")
    routine = await publish(database, severity=Severity.MINOR, urgency=Urgency.EXPECTED)
    grave = await publish(database, severity=Severity.EXTREME, urgency=Urgency.FUTURE)
    wake_dispatch(bot)
    await fake.wait_until(lambda: len(fake.messages(CHANNEL)) == 2, timeout=10)
    posts = {
        a.identifier: next(m for m in fake.messages(CHANNEL) if a.identifier in m.plain)
        for a in (routine, grave)
    }
    assert {ref: post.silent for ref, post in posts.items()} == {
        routine.identifier: True,
        grave.identifier: False,
    }
    assert all(post.button_texts == [] for post in posts.values())


async def test_an_unlinked_channel_gets_no_new_alerts_and_failures_are_reported(
    fake: FakeTelegram, bot: KhabardarApp, database: Database, admin: FakeUser
) -> None:
    channel = fake.add_channel(CHANNEL, username="kb_quetta", title="KB Quetta")
    fake.add_channel(URDU, username="kb_kech", title="KB Kech")
    await link(admin, "@kb_quetta quetta en")
    await link(admin, "@kb_kech quetta ur")
    await admin.send("/channel unlink @kb_kech")
    channel.bot_status = "left"  # removed from the channel after linking
    await add_residents(database, [1])
    await publish(database)
    wake_dispatch(bot)
    report = await fake.wait_for_message(AUTHOR, "Finished", timeout=10)
    assert "KB Quetta: failed: the bot is no longer allowed to post there" in report.plain
    assert "KB Kech" not in report.plain
    assert fake.messages(URDU) == [] and fake.messages(CHANNEL) == []
    assert fake.messages(1)


async def test_residents_get_the_channel_button_and_may_choose_channel_only(
    fake: FakeTelegram,
    bot: KhabardarApp,
    database: Database,
    admin: FakeUser,
    user: Callable[..., FakeUser],
) -> None:
    fake.add_channel(CHANNEL, username="kb_quetta", title="KB Quetta")
    await link(admin, "@kb_quetta quetta en")
    resident = user(5)
    await resident.send("/subscribe Quetta, Kech")
    offer = await resident.expect("have a Khabardar channel")
    assert offer.button("KB Quetta").url == "https://t.me/kb_quetta"
    assert "every verified alert" in offer.plain and "your own filters" in offer.plain

    await resident.send("/settings")
    choice = await resident.expect(lambda m: "Channel only for Quetta" in m.button_texts)
    await resident.press("Channel only for Quetta", on=choice)
    confirmed = await resident.expect("through its channel only")
    assert "keeps no record" in confirmed.plain
    await resident.press("Channel only for Quetta", on=choice)  # a double tap: same answer
    await resident.expect("through its channel only")
    data = (await resident.send("/mydata")).plain
    assert "Districts: Kech" in data and "through a channel only are not stored" in data

    await publish(database)
    wake_dispatch(bot)
    await fake.wait_until(lambda: len(fake.messages(CHANNEL)) == 1, timeout=10)
    report = await fake.wait_for_message(AUTHOR, "KB Quetta: posted", timeout=10)
    assert "Delivered: 0 of 0" in report.plain
    assert not any(HEADLINE in m.plain for m in fake.messages(5))

    await admin.send("/channel unlink @kb_quetta")
    stale = await resident.press("Channel only for Quetta", on=choice)
    assert stale.text is not None and "out of date" in stale.text


async def test_status_and_overview_show_channels_with_cached_member_counts(
    fake: FakeTelegram, bot: KhabardarApp, admin: FakeUser, database: Database
) -> None:
    channel = fake.add_channel(CHANNEL, username="kb_quetta", title="KB Quetta", member_count=40)
    await link(admin, "@kb_quetta quetta en")
    await add_residents(database, [1, 2, 3])
    status = (await admin.send("/status quetta")).plain
    assert "3 residents follow this district" in status
    assert "@kb_quetta: 40 members" in status
    channel.member_count = 41
    asked = fake.stats.requests["getChatMemberCount"]
    # The job as the JobQueue runs it, to its end: two run_once jobs could both start after
    # the count went stale, and both ask.
    refresh = Job(refresh_member_counts)
    await refresh.run(bot)  # read at link time: still fresh
    assert fake.stats.requests["getChatMemberCount"] == asked
    async with database.transaction() as session:  # five minutes pass
        await channels.record_member_count(
            session, chat_id=CHANNEL, count=None, now=datetime.now(UTC) - timedelta(minutes=6)
        )
    await refresh.run(bot)
    assert fake.stats.requests["getChatMemberCount"] == asked + 1
    await until_member_count(database, 41)
    overview = (await admin.send("/overview")).plain
    assert "District channels" in overview and "@kb_quetta: 41 members" in overview


async def test_a_429_on_a_channel_post_is_waited_out_and_posted_once(
    fake: FakeTelegram, bot: KhabardarApp, database: Database, admin: FakeUser
) -> None:
    fake.add_channel(CHANNEL, username="kb_quetta", title="KB Quetta")
    await link(admin, "@kb_quetta quetta en")
    fake.faults.second = 0.1  # Telegram's "retry after 1", ten times as fast
    fake.faults.fail_next(1, 429, retry_after=1, methods={"sendMessage"})
    alert = await publish(database)
    wake_dispatch(bot)
    report = await fake.wait_for_message(AUTHOR, "KB Quetta: posted", timeout=15)
    assert fake.stats.too_many_requests == 1
    assert len(fake.messages(CHANNEL)) == 1 and "Delivered: 0 of 0" in report.plain
    asked = await admin.send(f"/report {alert.identifier}")
    assert "KB Quetta: posted" in asked.plain
