"""Fault injection, seen through PTB's exception types."""

from __future__ import annotations

import asyncio
import datetime as dtm

import pytest
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from faketg import FakeTelegram, Faults

CHAT = 501


async def test_chat_faults(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.blocked.add(1)
    fake.faults.deactivated.add(2)
    fake.faults.not_found.add(3)
    fake.faults.migrated[-4] = -1001234567890
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1, "hi")
    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.send_message(2, "hi")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(3, "hi")
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(-4, "hi")
    assert migrated.value.new_chat_id == -1001234567890
    await bot.send_message(-1001234567890, "hi")  # the new id works
    fake.faults.blocked.discard(1)
    await bot.send_message(1, "unblocked")
    assert [m.plain for m in fake.messages(1)] == ["unblocked"]
    assert fake.stats.statuses[403] == 2 and fake.stats.statuses[400] == 2


async def test_global_rate_limit_and_penalty(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.rate_limit = 3
    for i in range(3):
        await bot.send_message(CHAT + i, "ok")
    with pytest.raises(RetryAfter) as err:
        await bot.send_message(CHAT, "over the cap")
    assert err.value.retry_after == dtm.timedelta(seconds=1)
    with pytest.raises(RetryAfter):  # the penalty applies to every chat
        await bot.send_message(CHAT + 99, "still penalised")
    await bot.send_chat_action(CHAT, "typing")  # not a send: not limited
    assert fake.stats.too_many_requests == 2
    assert fake.stats.messages_sent == 3


async def test_paid_broadcast_has_a_cap_of_its_own(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.rate_limit = 2
    fake.faults.paid_rate_limit = 3
    for i in range(3):  # past the free cap, within the paid one
        await bot.send_message(CHAT + i, "paid", allow_paid_broadcast=True)
    await bot.send_message(CHAT + 10, "free sends are counted apart")
    with pytest.raises(RetryAfter):
        await bot.send_message(CHAT + 3, "over the paid cap", allow_paid_broadcast=True)
    assert fake.stats.paid_broadcasts == 3 and fake.stats.messages_sent == 4


async def test_fixed_retry_after_is_reported(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.rate_limit = 1
    fake.faults.retry_after = 7
    await bot.send_message(CHAT, "one")
    with pytest.raises(RetryAfter) as err:
        await bot.send_message(CHAT, "two")
    assert err.value.retry_after == dtm.timedelta(seconds=7)


async def test_a_short_second_plays_flood_control_faster(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.second = 0.05  # the fake's second lasts 50 ms
    fake.faults.rate_limit = 2
    for i in range(2):
        await bot.send_message(CHAT + i, "ok")
    with pytest.raises(RetryAfter) as err:
        await bot.send_message(CHAT, "over the cap")
    # One of the fake's seconds, the least penalty Telegram gives, in real seconds.
    assert err.value.retry_after == dtm.timedelta(seconds=0.05)
    # Back off for the retry_after the fake reported, as a client must; then it lets us send.
    pause = err.value.retry_after
    assert isinstance(pause, dtm.timedelta)
    await asyncio.sleep(pause.total_seconds())
    await bot.send_message(CHAT, "after the penalty")
    assert fake.stats.too_many_requests == 1 and fake.stats.messages_sent == 3
    assert fake.faults.to_json()["second"] == 0.05


def test_a_second_must_be_positive() -> None:
    with pytest.raises(ValueError, match="second must be positive"):
        Faults().update({"second": 0})


async def test_per_chat_limit(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.per_chat_rate = 1.0
    await bot.send_message(CHAT, "one")
    await bot.send_message(CHAT + 1, "another chat is fine")
    with pytest.raises(RetryAfter):
        await bot.send_message(CHAT, "too soon")


async def test_fail_next(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.fail_next(2, 502)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(CHAT, "x")
    fake.faults.fail_next(1, 429, retry_after=3, methods={"sendMessage"})
    await bot.get_me()  # other methods unaffected
    with pytest.raises(RetryAfter):
        await bot.send_message(CHAT, "x")
    fake.faults.fail_next(1, 500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.get_me()
    await bot.send_message(CHAT, "finally")
    assert fake.stats.server_errors == 3 and fake.stats.too_many_requests == 1
    assert [m.plain for m in fake.messages(CHAT)] == ["finally"]


async def test_random_failures_are_seeded(bot: Bot) -> None:
    async def run(seed: int) -> list[bool]:
        outcomes = []
        async with FakeTelegram(faults=Faults(seed=seed)) as fake:
            async with Bot(fake.token, base_url=fake.base_url) as client:  # calls getMe
                fake.faults.fail_rate = 0.5
                for _ in range(20):
                    try:
                        await client.send_message(CHAT, "x")
                        outcomes.append(True)
                    except NetworkError:
                        outcomes.append(False)
            assert fake.stats.server_errors == outcomes.count(False)
            assert len(fake.messages(CHAT)) == outcomes.count(True)
        return outcomes

    first = await run(7)
    assert first == await run(7)
    assert 0 < first.count(False) < 20


async def test_failure_after_delivery_duplicates_on_retry(bot: Bot, fake: FakeTelegram) -> None:
    fake.faults.fail_rate = 1.0
    fake.faults.fail_after_delivery = 1.0
    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "alert")
    fake.faults.fail_rate = 0.0
    await bot.send_message(CHAT, "alert")  # the bot's retry
    assert [m.plain for m in fake.messages(CHAT)] == ["alert", "alert"]
    assert fake.stats.messages_per_chat[CHAT] == 2


async def test_latency_is_added(bot: Bot, fake: FakeTelegram) -> None:
    import asyncio

    fake.faults.latency_ms = 30
    loop = asyncio.get_running_loop()
    started = loop.time()
    await bot.get_me()
    assert loop.time() - started >= 0.03
