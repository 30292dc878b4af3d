"""Bot API methods that send, edit or delete messages in a chat."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from faketg import channels
from faketg.errors import NOT_MODIFIED, bad_request
from faketg.faults import Faults, FloodControl, Stats
from faketg.models import FakeEvent, SentMessage
from faketg.params import Params, image_size
from faketg.state import FakeState
from faketg.validate import Text, parse_markup, parse_text, same_markup

CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)


@dataclass(slots=True)
class Context:
    """What every method handler needs."""

    state: FakeState
    faults: Faults
    flood: FloodControl
    stats: Stats
    strict_html: bool


def resolve_chat(ctx: Context, p: Params, *, sending: bool) -> int:
    """chat_id -> int, applying the chat faults (blocked, not found, migrated...)."""
    raw = p.get_str("chat_id").strip()
    if not raw:
        raise bad_request("chat_id is empty")
    if raw.startswith("@"):
        name = raw[1:].lower()
        found = [
            cid for cid, c in ctx.state.chat_info.items() if c.get("username", "").lower() == name
        ] + [cid for cid, c in ctx.state.channels.items() if (c.username or "").lower() == name]
        if not found:
            raise bad_request("chat not found")
        chat_id = found[0]
    else:
        try:
            chat_id = int(raw)
        except ValueError:
            raise bad_request("chat not found") from None
    if chat_id == 0:
        raise bad_request("chat not found")
    ctx.faults.check_chat(chat_id, sending=sending)
    return chat_id


def _deliver(ctx: Context, msg: SentMessage, p: Params, *, paid: bool = False) -> dict[str, Any]:
    """Rights, flood check, store, count; returns the Message JSON."""
    channel = ctx.state.channels.get(msg.chat_id)
    if channel is not None:
        channel.check_post()
    msg.reply_to = _replied(ctx, p, msg.chat_id)
    now = time.monotonic()
    ctx.flood.check(ctx.faults, msg.chat_id, now, paid=paid)
    ctx.state.add_bot_message(msg)
    ctx.flood.record(msg.chat_id, now, paid=paid)
    if paid:
        ctx.stats.paid_broadcasts += 1
    ctx.stats.messages_sent += 1
    ctx.stats.messages_per_chat[msg.chat_id] += 1
    return ctx.state.render(msg)


def send_message(ctx: Context, p: Params) -> dict[str, Any]:
    """sendMessage."""
    chat_id = resolve_chat(ctx, p, sending=True)
    raw = p.get_str("text")
    if not raw:
        raise bad_request("Message text is empty")
    entities = p.get_json("entities", "entities")
    text = parse_text(
        raw, p.get_str("parse_mode"), entities, caption=False, strict_html=ctx.strict_html
    )
    paid = p.get_bool("allow_paid_broadcast")
    return _deliver(ctx, _message(p, chat_id, raw, text), p, paid=paid)


def send_photo(ctx: Context, p: Params) -> dict[str, Any]:
    """sendPhoto: upload (multipart), a file_id we issued, or an http(s) URL."""
    chat_id = resolve_chat(ctx, p, sending=True)
    ref = p.get_str("photo")
    upload = p.files.get(ref[9:] if ref.startswith("attach://") else "photo")
    data: bytes | None = None
    file_id = None
    if upload is not None:
        data = upload.data
    elif ref in ctx.state.files:
        data, file_id = ctx.state.files[ref], ref
    elif ref.startswith(("http://", "https://")):
        file_id = f"AgACAgUrl{abs(hash(ref)) % 10**12:012d}"
    elif ref:
        raise bad_request("wrong file identifier/HTTP URL specified")
    else:
        raise bad_request("There is no photo in the request")
    if data is not None:
        size = image_size(data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > 10_000 or max(width, height) > 20 * max(min(width, height), 1):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        if file_id is None:
            file_id = f"AgACAgUAAx{len(ctx.state.files) + 1:010d}{len(data):08d}"
            ctx.state.files[file_id] = data
    raw = p.get_str("caption")
    text = parse_text(
        raw,
        p.get_str("parse_mode"),
        p.get_json("caption_entities", "caption entities"),
        caption=True,
        strict_html=ctx.strict_html,
    )
    return _deliver(ctx, _message(p, chat_id, raw, text, photo=data, photo_file_id=file_id), p)


def _target(ctx: Context, p: Params, verb: str) -> SentMessage:
    if p.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline messages are not simulated
    chat_id = resolve_chat(ctx, p, sending=True)
    message_id = p.get_int("message_id")
    if message_id <= 0:
        raise bad_request("message identifier is not specified")
    channel = ctx.state.channels.get(chat_id)
    if channel is not None and verb == "edit":
        channel.check_edit()
    chat = ctx.state.chat(chat_id)
    msg = chat.by_id(message_id)
    if msg is None or msg.deleted:
        if message_id in chat.user_messages and verb == "edit":
            raise bad_request("Message can't be edited")
        raise bad_request(f"Message to {verb} not found")
    return msg


def _apply_edit(ctx: Context, msg: SentMessage, **changes: Any) -> dict[str, Any]:
    # Edits count against the flood limits like sends (they are never paid broadcasts).
    now = time.monotonic()
    ctx.flood.check(ctx.faults, msg.chat_id, now)
    ctx.flood.record(msg.chat_id, now)
    msg.edits.append(msg.snapshot())
    for name, value in changes.items():
        setattr(msg, name, value)
    msg.edit_date = int(time.time())
    ctx.state.record_edit(msg)
    ctx.stats.edits += 1
    return ctx.state.render(msg)


def edit_message_text(ctx: Context, p: Params) -> dict[str, Any]:
    """editMessageText; like Telegram, omitting reply_markup removes the keyboard."""
    msg = _target(ctx, p, "edit")
    if msg.photo is not None or msg.photo_file_id is not None:
        raise bad_request("There is no text in the message to edit")
    raw = p.get_str("text")
    if not raw:
        raise bad_request("Message text is empty")
    entities = p.get_json("entities", "entities")
    text = parse_text(
        raw, p.get_str("parse_mode"), entities, caption=False, strict_html=ctx.strict_html
    )
    markup, buttons = parse_markup(p)
    if (
        text.plain == msg.plain
        and text.entities == msg.entities
        and same_markup(markup, msg.reply_markup)
    ):
        raise bad_request(NOT_MODIFIED)
    return _apply_edit(
        ctx,
        msg,
        text=raw,
        html=text.html,
        plain=text.plain,
        entities=text.entities,
        parse_mode=text.parse_mode,
        reply_markup=markup,
        buttons=buttons,
    )


def edit_message_reply_markup(ctx: Context, p: Params) -> dict[str, Any]:
    """editMessageReplyMarkup (no reply_markup = remove the keyboard)."""
    msg = _target(ctx, p, "edit")
    markup, buttons = parse_markup(p)
    if same_markup(markup, msg.reply_markup):
        raise bad_request(NOT_MODIFIED)
    return _apply_edit(ctx, msg, reply_markup=markup, buttons=buttons)


def delete_message(ctx: Context, p: Params) -> bool:
    """deleteMessage: bot messages, or the user's own messages in the chat."""
    chat_id = resolve_chat(ctx, p, sending=False)
    message_id = p.get_int("message_id")
    chat = ctx.state.chat(chat_id)
    if chat.user_messages.pop(message_id, None) is not None:
        return True
    msg = chat.by_id(message_id)
    if msg is None or msg.deleted:
        raise bad_request("Message to delete not found")
    msg.deleted = True
    msg.seq = ctx.state.touch()
    ctx.stats.deletes += 1
    ctx.state.emit(FakeEvent("bot_delete", chat_id, msg.plain, message=msg))
    return True


def send_chat_action(ctx: Context, p: Params) -> bool:
    """sendChatAction: validated, otherwise a no-op."""
    resolve_chat(ctx, p, sending=True)
    if p.get_str("action") not in CHAT_ACTIONS:
        raise bad_request("Wrong parameter action in request")
    return True


def get_chat(ctx: Context, p: Params) -> dict[str, Any]:
    """getChat: a ChatFullInfo with the fields PTB requires. A private channel (no @name) the
    bot is not in is "chat not found", as on Telegram; a public one can be read."""
    chat_id = resolve_chat(ctx, p, sending=False)
    channel = ctx.state.channels.get(chat_id)
    if channel is not None and not channel.is_member and not channel.username:
        raise bad_request("chat not found")
    gifts = dict.fromkeys(
        (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ),
        False,
    )
    return {
        **ctx.state.chat_object(chat_id),
        "accent_color_id": abs(chat_id) % 7,
        "max_reaction_count": 11,
        "accepted_gift_types": gifts,
    }


def get_chat_member(ctx: Context, p: Params) -> dict[str, Any]:
    """getChatMember: in a channel, the bot's own status and rights, or another user's."""
    chat_id = resolve_chat(ctx, p, sending=False)
    user_id = channels.user_id_param(p)
    channel = ctx.state.channels.get(chat_id)
    is_bot = user_id == ctx.state.bot_user["id"]
    if not is_bot:
        channels.need_channel_member(channel)
    user = ctx.state.bot_user if is_bot else ctx.state.user(user_id, "Test", None, None)
    return channels.member_object(channel, user, is_bot_self=is_bot)


def get_chat_member_count(ctx: Context, p: Params) -> int:
    """getChatMemberCount."""
    chat_id = resolve_chat(ctx, p, sending=False)
    channel = ctx.state.channels.get(chat_id)
    channels.need_channel_member(channel)
    return channels.member_count(channel, chat_id)


def _replied(ctx: Context, p: Params, chat_id: int) -> SentMessage | None:
    """The bot message a send replies to (reply_parameters, or the old reply_to_message_id)."""
    target = p.get_json("reply_parameters", "reply parameters")
    message_id = p.get_int("reply_to_message_id")
    allow = p.get_bool("allow_sending_without_reply")
    if isinstance(target, dict):
        message_id = int(target.get("message_id", 0))
        allow = allow or bool(target.get("allow_sending_without_reply"))
    if not message_id:
        return None
    found = ctx.state.chat(chat_id).by_id(message_id)
    if found is None or found.deleted:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return found


def _message(p: Params, chat_id: int, raw: str, text: Text, **extra: Any) -> SentMessage:
    """A bot message as the fake records it: the text as sent and as read, and its keyboard."""
    markup, buttons = parse_markup(p)
    return SentMessage(
        0,
        chat_id,
        raw,
        text.html,
        text.plain,
        text.parse_mode,
        buttons,
        text.entities,
        int(time.time()),
        markup,
        p.get_bool("disable_notification"),
        **extra,
    )
