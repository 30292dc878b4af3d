"""Channels: the bot's membership and administrator rights, member counts, and the methods
that read them (getChatMember, getChatMemberCount); posts are sent by messaging.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from faketg.errors import ApiError, bad_request, forbidden
from faketg.params import Params

NOT_A_MEMBER = "bot is not a member of the channel chat"
NEED_RIGHTS = "need administrator rights in the channel chat"
# Every right of ChatMemberAdministrator PTB requires, all off; a channel admin's own come on top.
_BASE_RIGHTS = dict.fromkeys(
    (
        "can_be_edited",
        "is_anonymous",
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
    ),
    False,
)


@dataclass(slots=True)
class Channel:
    """A channel as the fake knows it: who administers it and what the bot may do there.

    ``bot_status`` is "administrator", "member" (a channel subscriber, which a bot cannot
    really be, kept for completeness) or "left" (never added, or removed).
    """

    chat_id: int
    title: str
    username: str | None = None
    bot_status: str = "administrator"
    can_post_messages: bool = True
    can_edit_messages: bool = True
    member_count: int = 0
    admins: set[int] = field(default_factory=set)

    @property
    def is_member(self) -> bool:
        """Whether the bot is in the channel at all."""
        return self.bot_status in ("administrator", "member")

    def chat_object(self) -> dict[str, Any]:
        """The Bot API Chat."""
        chat: dict[str, Any] = {"id": self.chat_id, "type": "channel", "title": self.title}
        if self.username:
            chat["username"] = self.username
        return chat

    def check_post(self) -> None:
        """Raise what Telegram answers a bot that may not post here."""
        if not self.is_member:
            raise forbidden(NOT_A_MEMBER)
        if self.bot_status != "administrator" or not self.can_post_messages:
            raise bad_request(NEED_RIGHTS)

    def check_edit(self) -> None:
        """Raise what Telegram answers a bot that may not edit its posts here."""
        if not self.is_member:
            raise forbidden(NOT_A_MEMBER)
        if self.bot_status != "administrator" or not (
            self.can_edit_messages or self.can_post_messages
        ):
            raise bad_request(NEED_RIGHTS)


def member_object(
    channel: Channel | None, user: dict[str, Any], *, is_bot_self: bool
) -> dict[str, Any]:
    """A ChatMember for getChatMember: the bot's own rights in a channel, admins, or a member."""
    if channel is None:  # private chats and groups: everyone asked about is a member
        return {"status": "member", "user": user}
    if is_bot_self:
        if channel.bot_status == "administrator":
            return {
                "status": "administrator",
                "user": user,
                **_BASE_RIGHTS,
                "can_post_messages": channel.can_post_messages,
                "can_edit_messages": channel.can_edit_messages,
            }
        return {"status": channel.bot_status, "user": user}
    if user["id"] in channel.admins:
        return {
            "status": "administrator",
            "user": user,
            **_BASE_RIGHTS,
            "can_post_messages": True,
            "can_edit_messages": True,
        }
    return {"status": "left", "user": user}


def need_channel_member(channel: Channel | None) -> None:
    """Reading a channel's members needs the bot in it (as on Telegram)."""
    if channel is not None and not channel.is_member:
        raise bad_request("chat not found")


def member_count(channel: Channel | None, chat_id: int) -> int:
    """getChatMemberCount: the channel's count, 2 for a private chat, 3 for a group."""
    if channel is not None:
        return channel.member_count
    return 2 if chat_id > 0 else 3


def user_id_param(p: Params) -> int:
    """getChatMember's user_id, which Telegram requires."""
    user_id = p.get_int("user_id")
    if user_id <= 0:
        raise ApiError(400, "Bad Request: invalid user_id specified")
    return user_id
