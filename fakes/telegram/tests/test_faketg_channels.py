"""Channels, driven by PTB's real Bot: rights, reads, posts, edits, replies and flood limits."""

from __future__ import annotations

import pytest
from telegram import Bot, ChatMemberAdministrator, ReplyParameters
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, RetryAfter

from faketg import FakeTelegram

CHANNEL = -1001234567890


async def test_get_chat_and_the_bots_rights(bot: Bot, fake: FakeTelegram) -> None:
    fake.add_channel(CHANNEL, title="KB Quetta", username="kb_quetta", member_count=4200)
    chat = await bot.get_chat("@kb_quetta")
    assert (chat.id, chat.type, chat.title, chat.username) == (
        CHANNEL,
        ChatType.CHANNEL,
        "KB Quetta",
        "kb_quetta",
    )
    member = await bot.get_chat_member(CHANNEL, fake.bot_id)
    assert isinstance(member, ChatMemberAdministrator)
    assert member.can_post_messages and member.can_edit_messages
    assert await bot.get_chat_member_count(CHANNEL) == 4200


async def test_rights_that_are_missing_show(bot: Bot, fake: FakeTelegram) -> None:
    channel = fake.add_channel(CHANNEL, username="kb_quetta", can_edit_messages=False)
    member = await bot.get_chat_member(CHANNEL, fake.bot_id)
    assert isinstance(member, ChatMemberAdministrator)
    assert member.can_post_messages and not member.can_edit_messages
    channel.bot_status = "left"
    assert (await bot.get_chat_member(CHANNEL, fake.bot_id)).status == "left"


async def test_a_private_channel_the_bot_is_not_in_is_not_found(
    bot: Bot, fake: FakeTelegram
) -> None:
    fake.add_channel(CHANNEL, bot_status="left")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(CHANNEL)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat("@no_such_channel")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat_member_count(CHANNEL)


async def test_posts_have_the_channel_post_shape(bot: Bot, fake: FakeTelegram) -> None:
    fake.add_channel(CHANNEL, title="KB Quetta")
    post = await bot.send_message(CHANNEL, "<b>Alert</b>", parse_mode="HTML")
    assert post.from_user is None
    assert post.sender_chat is not None and post.sender_chat.id == CHANNEL
    assert post.chat.type == ChatType.CHANNEL
    edited = await bot.edit_message_text("<b>Alert</b> (cancelled)", CHANNEL, post.message_id)
    assert isinstance(edited, object)
    reply = await bot.send_message(
        CHANNEL, "Cancelled", reply_parameters=ReplyParameters(post.message_id)
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == post.message_id
    assert fake.messages(CHANNEL)[-1].reply_to is fake.messages(CHANNEL)[0]
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(CHANNEL, "x", reply_parameters=ReplyParameters(999))


async def test_no_posting_without_membership_or_rights(bot: Bot, fake: FakeTelegram) -> None:
    channel = fake.add_channel(CHANNEL, bot_status="left")
    with pytest.raises(Forbidden, match="bot is not a member of the channel chat"):
        await bot.send_message(CHANNEL, "hello")
    channel.bot_status, channel.can_post_messages = "administrator", False
    with pytest.raises(BadRequest, match="Need administrator rights in the channel chat"):
        await bot.send_message(CHANNEL, "hello")
    assert fake.messages(CHANNEL) == []


async def test_channel_posts_and_forwards_reach_the_bot(bot: Bot, fake: FakeTelegram) -> None:
    fake.add_channel(CHANNEL, title="KB Quetta", username="kb_quetta")
    fake.post_in_channel(CHANNEL, "posted by an admin")
    fake.forward_from_channel(777, CHANNEL, 1)
    updates = await bot.get_updates(timeout=0)
    assert updates[0].channel_post is not None
    assert updates[0].channel_post.text == "posted by an admin"
    forwarded = updates[1].message
    assert forwarded is not None and forwarded.forward_origin is not None
    assert forwarded.forward_origin.chat.id == CHANNEL  # type: ignore[attr-defined]


async def test_flood_limits_for_channels_as_for_groups(bot: Bot, fake: FakeTelegram) -> None:
    fake.add_channel(CHANNEL)
    fake.faults.group_per_minute = 2
    await bot.send_message(CHANNEL, "one")
    await bot.send_message(-4242, "one")  # another chat has its own window
    await bot.send_message(CHANNEL, "two")
    with pytest.raises(RetryAfter):
        await bot.send_message(CHANNEL, "three")
    await bot.send_message(777, "private chats are not counted")
    assert fake.faults.to_json()["group_per_minute"] == 2
