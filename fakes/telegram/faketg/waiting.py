"""Waiting for what the bot does, without sleeps: every wait wakes when the fake's state
changes (a request served, an update queued) and says what it saw when it times out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from faketg.models import CallbackAnswer, Mark, SentMessage
from faketg.state import FakeState

Predicate = Callable[[SentMessage], bool]


class Waiting:
    """The waits of FakeTelegram, over its state."""

    state: FakeState

    def mark(self, chat_id: int | None = None) -> Mark:
        """Remember "now"; ``wait_for_message(chat, after=mark)`` then ignores older activity."""
        return Mark(self.state.seq, chat_id)

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Predicate | str | None = None,
        *,
        after: Mark | int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test-facing deadline, by design
    ) -> SentMessage:
        """The first bot message sent *or edited* in ``chat_id`` that matches.

        ``predicate`` is a callable or a substring of ``plain``. ``after`` is a Mark
        (only sends/edits after it count) or an int N (only the chat's messages
        from index N on, e.g. ``len(fake.messages(chat))`` taken earlier).
        Deleted messages never match. Raises AssertionError listing the chat on timeout.
        """
        check = _as_predicate(predicate)
        after_seq = after.seq if isinstance(after, Mark) else 0
        after_index = after if isinstance(after, int) else 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = self.state.find(chat_id, check, after_seq, after_index)
            if found is not None:
                return found
            if loop.time() >= deadline:
                raise AssertionError(self._timeout_report(chat_id, predicate, after, timeout))
            await self.state.changed.wait(deadline - loop.time())

    async def wait_for_callback_answer(
        self,
        query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """Wait until the bot answers this callback query."""
        await self.wait_until(
            lambda: query_id in self.state.callback_answers,
            timeout,
            f"callback query {query_id} was not answered",
        )
        return self.state.callback_answers[query_id]

    async def wait_until(
        self,
        condition: Callable[[], object],
        timeout: float = 5.0,  # noqa: ASYNC109
        message: str = "",
    ) -> None:
        """Wait until ``condition()`` is truthy; re-checked after every request and update."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() >= deadline:
                errors = self._errors_text(None)
                raise AssertionError(f"{message or 'condition not met'} within {timeout}s{errors}")
            await self.state.changed.wait(deadline - loop.time())

    def _timeout_report(
        self, chat_id: int, predicate: object, after: object, timeout: float
    ) -> str:
        lines = [
            f"no bot message in chat {chat_id} matching {predicate!r} (after={after!r})"
            f" within {timeout}s."
        ]
        chat = self.state.chats.get(chat_id)
        msgs = list(chat.messages) if chat else []
        lines.append(
            f"The chat has {len(msgs)} bot message(s):"
            if msgs
            else "The bot sent nothing to this chat."
        )
        lines += [f"  {m.describe()}" for m in msgs[-20:]]
        return "\n".join(lines) + self._errors_text(chat_id)

    def _errors_text(self, chat_id: int | None) -> str:
        errors = [e for e in self.state.recent_errors if chat_id is None or e[1] in (chat_id, None)]
        if not errors:
            return ""
        return "\nRecent API errors returned to the bot:\n" + "\n".join(
            f"  {method} chat={chat}: {text}" for method, chat, text in errors[-10:]
        )


def _as_predicate(predicate: Predicate | str | None) -> Predicate | None:
    if isinstance(predicate, str):
        needle = predicate
        return lambda m: needle in m.plain
    return predicate
