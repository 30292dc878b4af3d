"""What the fake records: the bot's messages as a user would see them, and events."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Button:
    """One inline keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(eq=False, slots=True)
class SentMessage:
    """A message the bot sent (and maybe edited or deleted), in one chat.

    ``text`` is what the bot sent (caption for photos), ``plain`` what the user
    reads (tags stripped, entities decoded, trimmed), ``html`` the HTML form.
    """

    message_id: int
    chat_id: int
    text: str
    html: str
    plain: str
    parse_mode: str | None
    buttons: list[list[Button]]
    entities: list[dict[str, Any]]
    date: int
    reply_markup: dict[str, Any] | None = None
    # True when the bot asked Telegram to deliver it without a sound (routine alerts).
    silent: bool = False
    photo: bytes | None = None
    photo_file_id: str | None = None
    edits: list[SentMessage] = field(default_factory=list)
    deleted: bool = False
    edit_date: int | None = None
    reply_to: SentMessage | None = None  # the bot message this one replies to
    index: int = 0  # position among the bot's messages in this chat
    seq: int = 0  # global change counter at the last send/edit/delete

    @property
    def button_texts(self) -> list[str]:
        """All button labels, row by row."""
        return [b.text for row in self.buttons for b in row]

    @property
    def reply_keyboard(self) -> list[dict[str, Any]]:
        """The buttons of a reply keyboard (under the text box), e.g. request_location ones."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [
            button if isinstance(button, dict) else {"text": button}
            for row in rows
            for button in row
        ]

    def button(self, label: str) -> Button:
        """The button whose text equals (or else contains) ``label``."""
        flat = [b for row in self.buttons for b in row]
        for b in flat:
            if b.text == label:
                return b
        matches = [b for b in flat if label in b.text]
        if len(matches) == 1:
            return matches[0]
        raise AssertionError(
            f"no single button {label!r} in message {self.message_id}: {self.button_texts}"
        )

    def snapshot(self) -> SentMessage:
        """A frozen copy of the current version, kept in ``edits`` when edited."""
        return dataclasses.replace(self, edits=[], buttons=[list(r) for r in self.buttons])

    def describe(self) -> str:
        """One line for assertion messages."""
        flags = "".join(
            [
                f" edited x{len(self.edits)}" if self.edits else "",
                " silent" if self.silent else "",
                " DELETED" if self.deleted else "",
                " +photo" if self.photo is not None or self.photo_file_id else "",
            ]
        )
        text = self.plain if len(self.plain) <= 120 else self.plain[:117] + "..."
        buttons = f" buttons={self.button_texts}" if self.buttons else ""
        return f"#{self.index} id={self.message_id}{flags}: {text!r}{buttons}"

    def to_json(self) -> dict[str, Any]:
        """For the control API."""
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "text": self.text,
            "plain": self.plain,
            "parse_mode": self.parse_mode,
            "buttons": [[dataclasses.asdict(b) for b in row] for row in self.buttons],
            "edits": len(self.edits),
            "deleted": self.deleted,
            "has_photo": self.photo is not None or self.photo_file_id is not None,
            "silent": self.silent,
            "date": self.date,
            "seq": self.seq,
        }


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """What the bot said in answerCallbackQuery."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass(frozen=True, slots=True)
class Mark:
    """A point in time, for ``wait_for_message(chat, after=mark)``."""

    seq: int
    chat_id: int | None = None


EventKind = Literal[
    "user_message",
    "callback_query",
    "update",
    "bot_message",
    "bot_edit",
    "bot_delete",
    "callback_answer",
]


@dataclass(frozen=True, slots=True)
class FakeEvent:
    """Passed to ``on_event`` listeners: something a user did or saw."""

    kind: EventKind
    chat_id: int | None
    text: str
    message: SentMessage | None = None
    update: dict[str, Any] | None = None
