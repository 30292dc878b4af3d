"""The fan-out's lean Bot API calls: a resident's copy and its edit, without PTB's object model.

A fan-out needs one thing back from Telegram, the message id. python-telegram-bot turns every
answer into a `Message` (with its chat, entities and keyboard) and every keyboard into request
parameters, which on the 2-core box was about a quarter of a fan-out's CPU (py-spy over
`python -m bench.delivery`). These calls keep what matters: they still wait for the bot's rate
limiter (priorities, per-chat spacing, 429 pauses) and still go through PTB's `BaseRequest`,
which maps Telegram's answers to the same exceptions (`RetryAfter`, `Forbidden`, `BadRequest`,
`ChatMigrated`…), so the engine classifies failures exactly as before.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from delivery.limiter import PriorityRateLimiter

# What the bot's Defaults give every PTB call (bot/app.py), spelled as Telegram reads them.
_HTML = {"parse_mode": "HTML", "link_preview_options": '{"is_disabled": true}'}
Params = dict[str, str | int | bool | None]


def request_data(params: Params) -> RequestData:
    """The request body as PTB builds it; None values are left out, as PTB leaves them out.

    RequestParameter lives in a private module of PTB ("not considered breaking" if it
    changes). PTB is pinned, and every fan-out test sends through here, so a change would
    fail loudly; the alternative was copying BaseRequest's mapping of Telegram's errors.
    """
    return RequestData(
        [RequestParameter(name, value, None) for name, value in params.items() if value is not None]
    )


class BulkApi:
    """sendMessage and editMessageText for the fan-out, through the bot's limiter and request."""

    def __init__(self, bot: Bot, limiter: PriorityRateLimiter | None) -> None:
        self._bot = bot
        self._limiter = limiter

    async def send_message(
        self, chat_id: int, text: str, *, markup: str | None, silent: bool, paid: bool
    ) -> int:
        """Send an HTML message (the keyboard as JSON); its message id."""
        params: Params = {
            "chat_id": chat_id,
            "text": text,
            **_HTML,
            "reply_markup": markup,
            "disable_notification": silent or None,
            "allow_paid_broadcast": paid or None,
        }
        answer = await self._call("sendMessage", params)
        if not isinstance(answer, dict) or not isinstance(answer.get("message_id"), int):
            raise ValueError("sendMessage answered without a message id")
        return int(answer["message_id"])

    async def edit_message_text(self, chat_id: int, message_id: int, text: str) -> None:
        """Replace a message's text (HTML) in a private chat or a channel; with no keyboard, it
        takes the buttons off."""
        params: Params = {"chat_id": chat_id, "message_id": message_id, "text": text, **_HTML}
        await self._call("editMessageText", params)

    async def _call(self, method: str, params: Params) -> object:
        bot = self._bot
        body = request_data(params)

        async def post() -> dict[str, Any] | list[dict[str, Any]] | bool:
            return await bot.request.post(f"{bot.base_url}/{method}", request_data=body)

        if self._limiter is None:
            return await post()
        return await self._limiter.process_request(post, (), {}, method, params, None)
