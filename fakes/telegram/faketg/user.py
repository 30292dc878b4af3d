"""A scripted Telegram user for e2e tests and the demo: sends, taps, and waits for the bot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from faketg.fake import FakeTelegram
from faketg.models import CallbackAnswer, Mark, SentMessage

Expectation = str | Callable[[SentMessage], bool] | None


class FakeUser:
    """One person in a private chat with the bot (chat id = user id, as Telegram does)."""

    def __init__(self, fake: FakeTelegram, chat_id: int, *, language_code: str = "en") -> None:
        self.fake = fake
        self.chat_id = chat_id
        self.language_code = language_code
        self._mark: Mark = fake.mark(chat_id)

    async def send(self, text: str, *, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """Send a message and return the bot's first reply (a new message or an edit)."""
        self._mark = self.fake.mark(self.chat_id)
        self.fake.send_text(self.chat_id, text, language_code=self.language_code)
        return await self.fake.wait_for_message(self.chat_id, after=self._mark, timeout=timeout)

    async def share_location(
        self,
        latitude: float,
        longitude: float,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        **how: Any,
    ) -> SentMessage:
        """Share a location (see FakeTelegram.send_location) and return the bot's first reply."""
        self._mark = self.fake.mark(self.chat_id)
        self.fake.send_location(
            self.chat_id, latitude, longitude, language_code=self.language_code, **how
        )
        return await self.fake.wait_for_message(self.chat_id, after=self._mark, timeout=timeout)

    async def press(
        self,
        label: str,
        *,
        on: SentMessage | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """Tap the button labelled so on a message (default: the newest that has it)."""
        message = on or self._newest_with_button(label)
        self._mark = self.fake.mark(self.chat_id)
        query_id = self.fake.click(message, label)
        return await self.fake.wait_for_callback_answer(query_id, timeout=timeout)

    async def press_data(
        self,
        message: SentMessage,
        callback_data: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """Tap a button by its raw callback data, as an old or forged client could."""
        self._mark = self.fake.mark(self.chat_id)
        query_id = self.fake.press_button(self.chat_id, message.message_id, callback_data)
        return await self.fake.wait_for_callback_answer(query_id, timeout=timeout)

    async def expect(self, what: Expectation = None, *, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """Wait for a bot message (new or edited) since the last action that matches."""
        return await self.fake.wait_for_message(
            self.chat_id, what, after=self._mark, timeout=timeout
        )

    @property
    def messages(self) -> list[SentMessage]:
        """Everything the bot sent to this chat, oldest first."""
        return self.fake.messages(self.chat_id)

    def _newest_with_button(self, label: str) -> SentMessage:
        for message in reversed(self.messages):
            if message.deleted:
                continue
            if any(b.text == label or label in b.text for row in message.buttons for b in row):
                return message
        raise AssertionError(f"no message in chat {self.chat_id} has a button {label!r}")
