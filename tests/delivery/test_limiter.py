"""The shared send budget: priorities, 429 pauses, and retries of replies only."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from delivery.limiter import PriorityRateLimiter, sending_as
from domain.delivery.policy import DeliveryPolicy
from domain.delivery.rules import Priority

POLICY = DeliveryPolicy()  # production's: Telegram's retry_after is honoured in full


async def test_replies_overtake_queued_bulk_sends() -> None:
    limiter = PriorityRateLimiter(20, policy=POLICY)
    order: list[str] = []

    async def send(label: str) -> bool:
        order.append(label)
        return True

    async def request(label: str, chat: int, priority: Priority) -> None:
        with sending_as(priority):
            await limiter.process_request(
                send, (label,), {}, "sendMessage", {"chat_id": chat}, None
            )

    bulk = [asyncio.create_task(request(f"bulk{i}", 100 + i, Priority.ROUTINE)) for i in range(6)]
    await asyncio.sleep(0)  # the bulk sends are queued behind the first one
    reply = asyncio.create_task(request("reply", 1, Priority.INTERACTIVE))
    await asyncio.gather(*bulk, reply)
    assert order.index("reply") <= 2


async def test_requests_without_a_chat_are_not_paced() -> None:
    limiter = PriorityRateLimiter(1, policy=POLICY)
    calls = 0

    async def answer() -> bool:
        nonlocal calls
        calls += 1
        return True

    for _ in range(5):
        await limiter.process_request(answer, (), {}, "answerCallbackQuery", {}, None)
    assert calls == 5


async def test_a_429_pauses_everyone_and_bulk_sends_hand_it_back() -> None:
    limiter = PriorityRateLimiter(0, policy=POLICY)
    throttled: list[int] = []
    limiter.on_throttled = lambda: throttled.append(1)
    attempts = 0

    async def flaky() -> dict[str, Any]:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise RetryAfter(timedelta(seconds=0.2))
        return {"ok": True}

    with sending_as(Priority.URGENT), pytest.raises(RetryAfter):
        await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 5}, None)
    assert limiter.paused_for() > 0.2 and throttled == [1]
    loop = asyncio.get_running_loop()
    started = loop.time()
    # A reply during the pause waits for it, then goes through.
    await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 6}, None)
    assert loop.time() - started >= 0.2


async def test_a_reply_that_meets_a_429_is_retried_after_the_pause() -> None:
    limiter = PriorityRateLimiter(0, policy=POLICY)
    attempts = 0

    async def flaky() -> bool:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise RetryAfter(timedelta(seconds=0.1))
        return True

    assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert attempts == 2
