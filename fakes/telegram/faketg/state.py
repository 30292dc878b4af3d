"""In-memory Telegram: chats, the bot's messages, the update queue, and change signals."""

from __future__ import annotations

import bisect
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from faketg.channels import Channel
from faketg.chatlog import Broadcast, ChatLog, PendingQuery
from faketg.entities import utf16_len
from faketg.models import CallbackAnswer, FakeEvent, SentMessage
from faketg.params import image_size

log = logging.getLogger(__name__)
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,})?")
DEFAULT_UPDATES = frozenset(
    [
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "purchased_paid_media",
        "removed_chat_boost",
        "chat_boost",
    ]
)  # everything except chat_member and the reaction updates, as Telegram's default


class FakeState:
    """All of the fake's data. Not thread-safe: use it from the server's event loop."""

    def __init__(self, bot_user: dict[str, Any], query_ttl: float) -> None:
        self.bot_user = bot_user
        self.query_ttl = query_ttl
        self.chats: dict[int, ChatLog] = {}
        self.chat_info: dict[int, dict[str, Any]] = {}
        self.channels: dict[int, Channel] = {}
        self.updates: deque[dict[str, Any]] = deque()
        self.next_update_id = 1
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATES
        self.poll_generation = 0
        self.queries: dict[str, PendingQuery] = {}
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.files: dict[str, bytes] = {}
        self.seq = 0
        self.next_query = 0
        self.closing = False
        self.updates_signal = Broadcast()
        self.changed = Broadcast()
        self.listeners: list[Callable[[FakeEvent], None]] = []
        self.recent_errors: deque[tuple[str, int | None, str]] = deque(maxlen=50)

    # --- chats -------------------------------------------------------------
    def chat(self, chat_id: int) -> ChatLog:
        """The chat's log, created on first use."""
        log_ = self.chats.get(chat_id)
        if log_ is None:
            log_ = self.chats[chat_id] = ChatLog(chat_id)
        return log_

    def chat_object(self, chat_id: int) -> dict[str, Any]:
        """A Bot API Chat: private for positive ids, (super)group for negative ones, unless the
        chat is a channel the fake was told of."""
        channel = self.channels.get(chat_id)
        if channel is not None:
            return channel.chat_object()
        info = self.chat_info.get(chat_id)
        if info is not None:
            return info
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Test"}
        if chat_id < -1_000_000_000_000:
            return {"id": chat_id, "type": "supergroup", "title": f"Supergroup {chat_id}"}
        return {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}

    def emit(self, event: FakeEvent) -> None:
        """Tell listeners (the demo transcript); their errors are logged, not raised."""
        for listener in self.listeners:
            try:
                listener(event)
            except Exception:
                log.exception("faketg event listener failed")

    def touch(self) -> int:
        """Advance the change counter and wake waiters; returns the new seq."""
        self.seq += 1
        self.changed.notify()
        return self.seq

    # --- updates -----------------------------------------------------------
    def enqueue(self, body: dict[str, Any]) -> int:
        """Append an update (``body`` without update_id); returns its update_id."""
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append({"update_id": update_id, **body})
        self.updates_signal.notify()
        self.touch()
        return update_id

    def confirm(self, offset: int) -> None:
        """getUpdates offset: drop updates before it (negative: keep only the last -offset)."""
        queue = self.updates
        if offset < 0:
            while len(queue) > -offset:
                queue.popleft()
        else:
            while queue and queue[0]["update_id"] < offset:
                queue.popleft()

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Pending updates the bot subscribed to (others are dropped, never delivered)."""
        allowed = self.allowed_updates
        if any(_kind(u) not in allowed for u in self.updates):
            self.updates = deque(u for u in self.updates if _kind(u) in allowed)
        return [self.updates[i] for i in range(min(limit, len(self.updates)))]

    def user(
        self, user_id: int, first_name: str, language_code: str | None, username: str | None
    ) -> dict[str, Any]:
        """A Bot API User for a human."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def user_message(
        self, chat_id: int, text: str, user: dict[str, Any], extra: dict[str, Any] | None = None
    ) -> int:
        """Store a message a user typed (or forwarded: ``extra``) and enqueue its Update."""
        content: dict[str, Any] = {"text": text, **(extra or {})}
        command = _COMMAND.match(text)
        if command:
            length = utf16_len(command.group(0))
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._user_content(chat_id, user, content, text)

    def user_location(
        self, chat_id: int, user: dict[str, Any], location: dict[str, Any], extra: dict[str, Any]
    ) -> int:
        """Store a location (or venue, live location, forward) a user sent; enqueue it."""
        content = {"location": location, **extra}
        if "venue" in content:
            content["venue"] = {"location": location, **content["venue"]}
        summary = f"[location {location['latitude']}, {location['longitude']}]"
        return self._user_content(chat_id, user, content, summary)

    def _user_content(
        self, chat_id: int, user: dict[str, Any], content: dict[str, Any], summary: str
    ) -> int:
        if chat_id > 0 and chat_id not in self.chat_info:
            info = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                info["username"] = user["username"]
            self.chat_info[chat_id] = info
        chat = self.chat(chat_id)
        message_id = chat.next_message_id
        chat.next_message_id += 1
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": user,
            "chat": self.chat_object(chat_id),
            "date": int(time.time()),
            **content,
        }
        chat.user_messages[message_id] = message
        update_id = self.enqueue({"message": message})
        self.emit(FakeEvent("user_message", chat_id, summary, update=message))
        return update_id

    def callback_query(self, chat_id: int, message_id: int, data: str, user: dict[str, Any]) -> str:
        """Enqueue a button press on a bot message (which may be gone); returns the query id."""
        self.next_query += 1
        query_id = str(4_611_686_018_427_387_904 + self.next_query)  # Telegram ids are big ints
        msg = self.chat(chat_id).by_id(message_id)
        if msg is not None and not msg.deleted:
            message = self.render(msg)
        else:  # what Telegram sends for messages the bot can no longer see
            message = {"chat": self.chat_object(chat_id), "message_id": message_id, "date": 0}
        query = {
            "id": query_id,
            "from": user,
            "message": message,
            "chat_instance": str(abs(chat_id) * 7919 % 10**18),
            "data": data,
        }
        self.queries[query_id] = PendingQuery(chat_id, message_id, time.monotonic())
        self.enqueue({"callback_query": query})
        self.emit(FakeEvent("callback_query", chat_id, data, message=msg, update=query))
        return query_id

    def channel_post(self, chat_id: int, text: str) -> int:
        """A channel's admin posts (not through the bot): a channel_post Update."""
        chat = self.chat(chat_id)
        message_id = chat.next_message_id
        chat.next_message_id += 1
        message = {
            "message_id": message_id,
            "sender_chat": self.chat_object(chat_id),
            "chat": self.chat_object(chat_id),
            "date": int(time.time()),
            "text": text,
        }
        chat.user_messages[message_id] = message
        return self.enqueue({"channel_post": message})

    # --- bot messages ------------------------------------------------------
    def add_bot_message(self, msg: SentMessage) -> SentMessage:
        """Store a message the bot sent; assigns message_id, index and seq."""
        chat = self.chat(msg.chat_id)
        msg.message_id = chat.next_message_id
        chat.next_message_id += 1
        msg.index = len(chat.messages)
        chat.messages.append(msg)
        self._record(chat, msg)
        self.emit(FakeEvent("bot_message", msg.chat_id, msg.plain, message=msg))
        return msg

    def record_edit(self, msg: SentMessage) -> None:
        """Log an edit that was already applied to ``msg``."""
        self._record(self.chat(msg.chat_id), msg)
        self.emit(FakeEvent("bot_edit", msg.chat_id, msg.plain, message=msg))

    def _record(self, chat: ChatLog, msg: SentMessage) -> None:
        msg.seq = self.touch()
        chat.event_seqs.append(msg.seq)
        chat.event_msgs.append(msg)

    def render(self, msg: SentMessage) -> dict[str, Any]:
        """The Bot API Message for the current version of a bot message."""
        chat = self.chat_object(msg.chat_id)
        # A channel post is signed by the channel (sender_chat), not by the bot (from).
        sender = {"sender_chat": chat} if chat["type"] == "channel" else {"from": self.bot_user}
        out: dict[str, Any] = {
            "message_id": msg.message_id,
            **sender,
            "chat": chat,
            "date": msg.date,
        }
        if msg.reply_to is not None:
            out["reply_to_message"] = self.render(msg.reply_to)
        key, entities_key = "text", "entities"
        if msg.photo is not None or msg.photo_file_id is not None:
            out["photo"] = [self.photo_size(msg)]
            key, entities_key = "caption", "caption_entities"
        if msg.plain or key == "text":
            out[key] = msg.plain
        if msg.entities:
            out[entities_key] = msg.entities
        if msg.edit_date is not None:
            out["edit_date"] = msg.edit_date
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            out["reply_markup"] = {"inline_keyboard": msg.reply_markup["inline_keyboard"]}
        return out

    def photo_size(self, msg: SentMessage) -> dict[str, Any]:
        """One PhotoSize for a photo message (Telegram sends several; one suffices)."""
        width, height = image_size(msg.photo or b"") or (0, 0)
        file_id = msg.photo_file_id or ""
        return {
            "file_id": file_id,
            "file_unique_id": file_id[-16:],
            "width": width,
            "height": height,
            "file_size": len(msg.photo or b""),
        }

    def find(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None,
        after_seq: int,
        after_index: int,
    ) -> SentMessage | None:
        """First message sent or edited after ``after_seq`` (and at index >= ``after_index``)."""
        chat = self.chats.get(chat_id)
        if chat is None:
            return None
        start = bisect.bisect_right(chat.event_seqs, after_seq)
        for msg in chat.event_msgs[start:]:
            if (
                msg.index >= after_index
                and not msg.deleted
                and (predicate is None or predicate(msg))
            ):
                return msg
        return None


def _kind(update: dict[str, Any]) -> str:
    for key in update:
        if key != "update_id":
            return key
    return ""
