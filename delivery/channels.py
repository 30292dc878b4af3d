"""District channels on Telegram: what getChat and getChatMember say about a channel, and the
member counts read at most every few minutes (never per alert)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from telegram import Bot, ChatMemberAdministrator
from telegram.error import BadRequest, Forbidden, TelegramError

from core.context import Context
from domain.channels import ChannelFacts
from storage import channels

log = logging.getLogger(__name__)
# Member counts are for staff's picture, not for delivery: a few minutes old is fresh enough.
MEMBER_COUNT_TTL = timedelta(minutes=5)


async def inspect_channel(bot: Bot, reference: int | str) -> ChannelFacts | None:
    """getChat, then the bot's own getChatMember there (and the member count if it may post);
    None when Telegram does not know the chat. Network errors propagate."""
    chat_id = f"@{reference}" if isinstance(reference, str) else reference
    try:
        chat = await bot.get_chat(chat_id)
    except (BadRequest, Forbidden):
        return None
    if chat.type != "channel":
        return ChannelFacts(chat.id, chat.type, chat.title or "", chat.username, None)
    try:
        member = await bot.get_chat_member(chat.id, bot.id)
    except (BadRequest, Forbidden):
        return ChannelFacts(chat.id, chat.type, chat.title or "", chat.username, "left")
    admin = member if isinstance(member, ChatMemberAdministrator) else None
    count = None
    if admin is not None:
        try:
            count = await bot.get_chat_member_count(chat.id)
        except TelegramError:
            count = None  # the tick reads it later
    return ChannelFacts(
        chat.id,
        chat.type,
        chat.title or "",
        chat.username,
        member.status,
        can_post=bool(admin and admin.can_post_messages),
        can_edit=bool(admin and admin.can_edit_messages),
        member_count=count,
    )


async def refresh_member_counts(context: Context) -> None:
    """Read the member count of channels whose count is older than MEMBER_COUNT_TTL."""
    services = context.services
    now = datetime.now(UTC)
    async with services.database.read() as session:
        due = await channels.stale_member_counts(session, before=now - MEMBER_COUNT_TTL)
    counts: dict[int, int | None] = {}
    for chat_id in due:
        try:
            counts[chat_id] = await context.bot.get_chat_member_count(chat_id)
        except TelegramError as exc:
            log.warning("member count of channel %s: %s", chat_id, exc.message)
            counts[chat_id] = None  # tried: not again before the TTL
    if counts:
        async with services.database.transaction() as session:
            for chat_id, count in counts.items():
                await channels.record_member_count(session, chat_id=chat_id, count=count, now=now)
