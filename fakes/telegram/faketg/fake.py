"""``FakeTelegram``: the fake Bot API server and the API tests drive it with."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from faketg.api import BotApi, scope_key
from faketg.channels import Channel
from faketg.control import control_routes
from faketg.faults import Faults, FloodControl, Stats
from faketg.messaging import Context
from faketg.models import CallbackAnswer, FakeEvent, SentMessage
from faketg.server import UvicornRunner, build_app
from faketg.state import FakeState
from faketg.waiting import Waiting

DEFAULT_TOKEN = "123456789:AAFakeTelegramTokenForTests_0123456789"  # noqa: S105 - not a secret


class FakeTelegram(Waiting):
    """A fake api.telegram.org for one bot token, served on 127.0.0.1.

    Use ``async with FakeTelegram() as fake:`` and point PTB at ``fake.base_url``.
    Everything runs on the caller's event loop; no method here blocks.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_name: str = "Khabardar Test Bot",
        bot_username: str = "khabardar_test_bot",
        strict_html: bool = False,
        callback_query_ttl: float = 15.0,
        faults: Faults | None = None,
        http: str = "auto",
    ) -> None:
        self.token = token
        self.host = host
        self.bot_id = int(token.split(":", 1)[0])
        bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.state = FakeState(bot_user, callback_query_ttl)
        self.faults = faults or Faults()
        self.stats = Stats()
        self._ctx = Context(
            self.state, self.faults, FloodControl(self.stats), self.stats, strict_html
        )
        self.api = BotApi(self._ctx)
        self.app = build_app(token, self.api, control_routes(self))
        self._runner = UvicornRunner(self.app, host, port, http)

    # --- lifecycle ---------------------------------------------------------
    async def start(self) -> FakeTelegram:
        """Start serving; ``port`` is known afterwards."""
        await self._runner.start()
        self.state.closing = False
        return self

    async def stop(self) -> None:
        """Release long polls at once, then shut uvicorn down."""
        self.state.closing = True
        self.state.updates_signal.notify()
        await self._runner.stop()

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port."""
        return self._runner.port

    @property
    def url(self) -> str:
        """``http://host:port`` (the control API lives under ``/_fake``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends ``<token>/<method>``."""
        return f"{self.url}/bot"

    # --- what users do -----------------------------------------------------
    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        first_name: str = "Test",
        username: str | None = None,
    ) -> int:
        """A user sends ``text`` (commands get a bot_command entity); returns the update_id."""
        user = self.state.user(
            user_id or _default_user(chat_id), first_name, language_code, username
        )
        return self.state.user_message(chat_id, text, user)

    def send_location(
        self,
        chat_id: int,
        latitude: float,
        longitude: float,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        live_period: int | None = None,
        venue_title: str | None = None,
        forwarded_from: str | None = None,
    ) -> int:
        """A user shares a location: live, as a venue, or forwarded; returns the update_id."""
        user = self.state.user(user_id or _default_user(chat_id), "Test", language_code, None)
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            location["live_period"] = live_period
        extra: dict[str, Any] = {}
        if venue_title is not None:
            extra["venue"] = {"title": venue_title, "address": ""}
        if forwarded_from is not None:
            # Bot API 7+: a forward carries forward_origin (here a user who hides their account).
            extra["forward_origin"] = {
                "type": "hidden_user",
                "date": int(time.time()) - 60,
                "sender_user_name": forwarded_from,
            }
        return self.state.user_location(chat_id, user, location, extra)

    def send_contact(
        self,
        chat_id: int,
        phone_number: str,
        *,
        contact_user_id: int | None = None,
        language_code: str | None = "en",
    ) -> int:
        """A user shares a contact card (``contact_user_id`` is whose it is; None: not a
        Telegram user); returns the update_id."""
        user = self.state.user(_default_user(chat_id), "Test", language_code, None)
        return self.state.user_contact(chat_id, phone_number, user, contact_user_id)

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        first_name: str = "Test",
    ) -> str:
        """A user taps an inline button (it need not exist any more); returns the query id."""
        user = self.state.user(user_id or _default_user(chat_id), first_name, language_code, None)
        return self.state.callback_query(chat_id, message_id, callback_data, user)

    def click(self, message: SentMessage, label: str, *, user_id: int | None = None) -> str:
        """Press the button labelled ``label`` on ``message``; returns the query id."""
        button = message.button(label)
        if button.callback_data is None:
            raise AssertionError(
                f"button {button.text!r} has no callback_data (url={button.url!r})"
            )
        return self.press_button(
            message.chat_id, message.message_id, button.callback_data, user_id=user_id
        )

    def send_update(self, update: dict[str, Any]) -> int:
        """Enqueue a raw Update (any update_id in it is replaced); returns the update_id."""
        body = {k: v for k, v in update.items() if k != "update_id"}
        update_id = self.state.enqueue(body)
        self.state.emit(FakeEvent("update", None, "", update=body))
        return update_id

    # --- channels ----------------------------------------------------------
    def add_channel(
        self,
        chat_id: int,
        *,
        title: str = "Channel",
        username: str | None = None,
        bot_status: str = "administrator",
        can_post_messages: bool = True,
        can_edit_messages: bool = True,
        member_count: int = 0,
        admins: set[int] | None = None,
    ) -> Channel:
        """A channel (ids like -100…): the bot's status and rights in it, its member count and
        the users who administer it. Mutate the returned Channel to change them later."""
        channel = Channel(
            chat_id,
            title,
            username,
            bot_status,
            can_post_messages,
            can_edit_messages,
            member_count,
            set(admins or ()),
        )
        self.state.channels[chat_id] = channel
        return channel

    def post_in_channel(self, chat_id: int, text: str) -> int:
        """A channel admin posts there themselves (a channel_post Update); returns its update_id."""
        return self.state.channel_post(chat_id, text)

    def forward_from_channel(
        self,
        chat_id: int,
        channel_id: int,
        message_id: int,
        *,
        text: str = "A channel post",
        user_id: int | None = None,
        language_code: str | None = "en",
    ) -> int:
        """A user forwards one of a channel's posts to the bot; returns the update_id."""
        user = self.state.user(user_id or _default_user(chat_id), "Test", language_code, None)
        origin = {
            "type": "channel",
            "chat": self.state.chat_object(channel_id),
            "message_id": message_id,
            "date": 0,
        }
        return self.state.user_message(chat_id, text, user, {"forward_origin": origin})

    # --- what the bot did --------------------------------------------------
    def messages(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages in this chat, oldest first (deleted ones included, flagged)."""
        chat = self.state.chats.get(chat_id)
        return list(chat.messages) if chat else []

    def last(self, chat_id: int) -> SentMessage:
        """The bot's newest message in this chat (AssertionError if there is none)."""
        msgs = self.messages(chat_id)
        if not msgs:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return msgs[-1]

    @property
    def callback_answers(self) -> dict[str, CallbackAnswer]:
        """answerCallbackQuery calls by query id."""
        return self.state.callback_answers

    def commands(
        self, scope: str | dict[str, Any] = "default", language_code: str = ""
    ) -> list[tuple[str, str]]:
        """The commands set for a scope: "default", "all_private_chats", {"type": "chat", ...}."""
        key = scope_key({"type": scope} if isinstance(scope, str) else scope)
        return [
            (c["command"], c["description"])
            for c in self.state.commands.get((key, language_code), [])
        ]

    def on_event(self, callback: Callable[[FakeEvent], None]) -> Callable[[], None]:
        """Call ``callback`` for every user update and bot message/edit; returns an unsubscriber."""
        self.state.listeners.append(callback)
        return lambda: self.state.listeners.remove(callback)

    def reset(self) -> None:
        """Forget chats, updates, answers, commands and counters (faults stay)."""
        st = self.state
        st.chats.clear()
        st.chat_info.clear()
        st.channels.clear()
        st.updates.clear()
        st.queries.clear()
        st.callback_answers.clear()
        st.commands.clear()
        st.recent_errors.clear()
        self.stats.reset()
        self._ctx.flood = FloodControl(self.stats)
        st.touch()


def _default_user(chat_id: int) -> int:
    return chat_id if chat_id > 0 else 1000
