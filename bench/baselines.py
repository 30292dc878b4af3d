"""The two baselines the engine is compared with, written as the PTB docs suggest."""

from __future__ import annotations

import asyncio
import time

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ExtBot

from faketg import DEFAULT_TOKEN


async def naive_loop(base_url: str, chats: list[int], text: str) -> tuple[float, float]:
    """`for chat in chats: await bot.send_message(...)` with PTB's default HTTP client. Errors
    are swallowed (and show up as misses) instead of stopping the loop at the first 429."""
    first = last = 0.0
    async with Bot(DEFAULT_TOKEN, base_url=base_url) as bot:
        for chat in chats:
            try:
                await bot.send_message(chat, text, parse_mode="HTML")
            except TelegramError:
                continue
            last = time.perf_counter()
            first = first or last
    return first, last


async def aio_rate_limiter_gather(
    base_url: str, chats: list[int], text: str
) -> tuple[float, float]:
    """PTB's AIORateLimiter (its defaults: 30/s overall, no retries) and asyncio.gather."""
    times: list[float] = []
    bot = ExtBot(DEFAULT_TOKEN, base_url=base_url, rate_limiter=AIORateLimiter())

    async def send(chat: int) -> None:
        await bot.send_message(chat, text, parse_mode="HTML")
        times.append(time.perf_counter())

    async with bot:
        await asyncio.gather(*(send(chat) for chat in chats), return_exceptions=True)
    return (min(times), max(times)) if times else (0.0, 0.0)
