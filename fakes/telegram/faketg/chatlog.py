"""Per-chat message logs and the lock-free wake-up signal the waiting helpers use."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
from dataclasses import dataclass
from typing import Any

from faketg.models import SentMessage


class Broadcast:
    """Wake all waiters at once: an asyncio.Condition without the lock.

    Everything runs on one event loop, and notify() must be callable from plain
    (non-async) code such as ``FakeTelegram.send_text``, which a Condition forbids.
    """

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        """Wake every current waiter."""
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for fut in waiters:
                if not fut.done():
                    fut.set_result(None)

    async def wait(self, timeout: float) -> None:  # noqa: ASYNC109 - it *is* the timeout helper
        """Return after the next notify() or after ``timeout`` seconds."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            # A timeout is an ordinary outcome here: the caller re-checks its condition.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(timeout, 0.0)):
                    await fut
        finally:
            if not fut.done():
                fut.cancel()
                if fut in self._waiters:
                    self._waiters.remove(fut)


class ChatLog:
    """One chat: the bot's messages in order, and every send/edit as (seq, message)."""

    __slots__ = (
        "chat_id",
        "event_msgs",
        "event_seqs",
        "messages",
        "next_message_id",
        "user_messages",
    )

    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id
        self.messages: list[SentMessage] = []
        self.event_seqs: list[int] = []
        self.event_msgs: list[SentMessage] = []
        self.user_messages: dict[int, dict[str, Any]] = {}
        self.next_message_id = 1  # shared by user and bot messages, as in a private chat

    def by_id(self, message_id: int) -> SentMessage | None:
        """The bot message with this id (ids are dense, so a bisect is enough)."""
        msgs = self.messages
        i = bisect.bisect_left(msgs, message_id, key=lambda m: m.message_id)
        return msgs[i] if i < len(msgs) and msgs[i].message_id == message_id else None


@dataclass(slots=True)
class PendingQuery:
    """A callback query the bot may still answer."""

    chat_id: int
    message_id: int
    created: float
