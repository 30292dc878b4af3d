"""The Bot API surface, driven by PTB's real Bot: results and Telegram's errors."""

from __future__ import annotations

import asyncio
import datetime as dt
import struct
import zlib

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram import InlineKeyboardButton as Btn
from telegram import InlineKeyboardMarkup as Markup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict

from faketg import FakeTelegram

CHAT = 777
HTML = ParseMode.HTML


def png(width: int, height: int) -> bytes:
    """A tiny but valid PNG header (enough for Telegram-style dimension checks)."""
    ihdr = struct.pack(">II5B", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    )


async def test_get_me_is_the_token_owner(bot: Bot, fake: FakeTelegram) -> None:
    me = await bot.get_me()
    assert me.id == fake.bot_id == int(fake.token.split(":")[0])
    assert me.is_bot and me.username == "khabardar_test_bot" and me.can_join_groups


async def test_send_message_returns_a_real_message(bot: Bot, fake: FakeTelegram) -> None:
    keyboard = Markup([[Btn("Yes", callback_data="y"), Btn("Docs", url="https://example.org")]])
    first = await bot.send_message(CHAT, "<b>Flood</b> warning 🌊 &amp; more", parse_mode=HTML)
    second = await bot.send_message(CHAT, "plain", reply_markup=keyboard)
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.text == "Flood warning 🌊 & more"
    assert first.entities[0].type == "bold" and first.entities[0].length == 5
    assert first.from_user is not None and first.from_user.id == fake.bot_id
    assert second.reply_markup == keyboard
    sent = fake.messages(CHAT)
    assert [m.plain for m in sent] == ["Flood warning 🌊 & more", "plain"]
    assert sent[0].text == "<b>Flood</b> warning 🌊 &amp; more" and sent[0].parse_mode == "HTML"
    assert sent[1].buttons[0][1].url == "https://example.org"


async def test_disable_notification_is_recorded(bot: Bot, fake: FakeTelegram) -> None:
    await bot.send_message(CHAT, "routine", disable_notification=True)
    await bot.send_message(CHAT, "ringing")
    assert [m.silent for m in fake.messages(CHAT)] == [True, False]
    assert " silent" in fake.messages(CHAT)[0].describe()


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("<span>s</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_html_errors_are_telegrams(bot: Bot, text: str, detail: str) -> None:
    with pytest.raises(BadRequest) as err:
        await bot.send_message(CHAT, text, parse_mode=HTML)
    # PTB strips "Bad Request: " and re-capitalises; compare case-insensitively
    assert str(err.value).lower() == f"can't parse entities: {detail}".lower()


async def test_raw_error_shape(fake: FakeTelegram) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=fake.url) as client:
        resp = await client.post(
            f"/bot{fake.token}/sendMessage",
            json={"chat_id": 1, "text": "<x>", "parse_mode": "HTML"},
        )
        assert resp.status_code == 400
        assert resp.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: can't parse entities: "
            'Unsupported start tag "x" at byte offset 0',
        }
        resp = await client.get(f"/bot{fake.token}/noSuchMethod")
        assert (
            resp.status_code == 404 and resp.json()["description"] == "Not Found: method not found"
        )
        resp = await client.get("/bot1:wrong/getMe")
        assert resp.status_code == 401 and resp.json()["description"] == "Unauthorized"
        resp = await client.get(f"/bot{fake.token}/GETME")  # method names are case-insensitive
        assert resp.json()["ok"] is True


async def test_length_is_counted_after_parsing(bot: Bot) -> None:
    await bot.send_message(CHAT, "<b>" + "a" * 4096 + "</b>", parse_mode=HTML)
    await bot.send_message(CHAT, "&lt;" * 4096, parse_mode=HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(CHAT, "a" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(CHAT, "")
    with pytest.raises(BadRequest, match="Text must be non-empty"):
        await bot.send_message(CHAT, "<b> </b>", parse_mode=HTML)
    await bot.send_message(CHAT, "🌊" * 2048)  # 4096 UTF-16 code units
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(CHAT, "🌊" * 2049)
    with pytest.raises(BadRequest, match="Text is too long"):
        await bot.send_message(CHAT, "<b></b>" * 5000, parse_mode=HTML)


async def test_callback_data_limit(bot: Bot) -> None:
    await bot.send_message(CHAT, "ok", reply_markup=Markup([[Btn("x", callback_data="é" * 32)]]))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(
            CHAT, "too long", reply_markup=Markup([[Btn("x", callback_data="a" * 65)]])
        )


async def test_edits(bot: Bot, fake: FakeTelegram) -> None:
    keyboard = Markup([[Btn("Yes", callback_data="y")]])
    msg = await bot.send_message(CHAT, "<b>v1</b>", parse_mode=HTML, reply_markup=keyboard)
    with pytest.raises(BadRequest, match="Message is not modified: specified new message content"):
        await bot.edit_message_text(
            "<b>v1</b>", CHAT, msg.message_id, parse_mode=HTML, reply_markup=keyboard
        )
    edited = await bot.edit_message_text(
        "v1", CHAT, msg.message_id, reply_markup=keyboard
    )  # bold dropped
    assert isinstance(edited, type(msg)) and edited.edit_date is not None
    await bot.edit_message_reply_markup(CHAT, msg.message_id)  # keyboard removed
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(CHAT, msg.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", CHAT, 999)
    stored = fake.last(CHAT)
    assert stored.plain == "v1" and stored.entities == [] and stored.buttons == []
    assert len(stored.edits) == 2 and stored.edits[0].buttons[0][0].text == "Yes"
    assert await bot.delete_message(CHAT, msg.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(CHAT, msg.message_id)


async def test_callback_answers(bot: Bot, fake: FakeTelegram) -> None:
    msg = await bot.send_message(CHAT, "pick", reply_markup=Markup([[Btn("A", callback_data="a")]]))
    query_id = fake.press_button(CHAT, msg.message_id, "a")
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(query_id, "x" * 201)
    assert await bot.answer_callback_query(query_id, "done", show_alert=True)
    assert fake.callback_answers[query_id].text == "done"
    with pytest.raises(BadRequest, match="Query is too old and response timeout expired"):
        await bot.answer_callback_query(query_id, "again")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")


async def test_commands_per_scope_and_language(bot: Bot, fake: FakeTelegram) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("start", "شروع")], language_code="fa")
    await bot.set_my_commands(
        [BotCommand("alerts", "Alerts")], scope=BotCommandScopeAllPrivateChats()
    )
    await bot.set_my_commands([BotCommand("admin", "Admin")], scope=BotCommandScopeChat(CHAT))
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands(language_code="fa")] == ["شروع"]
    assert await bot.get_my_commands(language_code="de") == ()
    assert fake.commands("all_private_chats") == [("alerts", "Alerts")]
    assert fake.commands({"type": "chat", "chat_id": CHAT}) == [("admin", "Admin")]
    await bot.delete_my_commands(language_code="fa")
    assert fake.commands(language_code="fa") == []
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "bad case")])
    with pytest.raises(BadRequest, match="Invalid language code"):
        await bot.set_my_commands([BotCommand("start", "x")], language_code="english")


async def test_photo_bytes_are_kept(bot: Bot, fake: FakeTelegram) -> None:
    image = png(640, 480)
    msg = await bot.send_photo(CHAT, image, caption="<b>Rain</b> map", parse_mode=HTML)
    assert msg.caption == "Rain map" and msg.photo[-1].width == 640
    stored = fake.last(CHAT)
    assert stored.photo == image and stored.plain == "Rain map"
    again = await bot.send_photo(CHAT, msg.photo[-1].file_id)  # resend by file_id
    assert fake.last(CHAT).photo == image and again.photo[-1].file_id == msg.photo[-1].file_id
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(CHAT, b"not an image")
    with pytest.raises(BadRequest, match="Photo_invalid_dimensions"):
        await bot.send_photo(CHAT, png(2100, 100))
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(CHAT, image, caption="c" * 1025)


async def test_chat_action_and_get_chat(bot: Bot, fake: FakeTelegram) -> None:
    fake.send_text(CHAT, "hi", first_name="Baloch", username="baloch_user")
    assert await bot.send_chat_action(CHAT, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(CHAT, "dancing")
    chat = await bot.get_chat(CHAT)
    assert chat.type == "private" and chat.first_name == "Baloch" and chat.username == "baloch_user"
    assert (await bot.get_chat("@baloch_user")).id == CHAT
    group = await bot.get_chat(-100)
    assert group.type == "group"


async def test_long_polling(bot: Bot, fake: FakeTelegram) -> None:
    assert await bot.get_updates(timeout=0) == ()
    first = fake.send_text(CHAT, "one")
    got = await asyncio.wait_for(bot.get_updates(timeout=30), 2)  # returns at once
    assert [u.update_id for u in got] == [first]
    poll = asyncio.create_task(bot.get_updates(offset=first + 1, timeout=30))
    await fake.wait_until(lambda: fake.stats.requests["getUpdates"] == 3 and not fake.state.updates)
    second = fake.send_text(CHAT, "two")
    got = await asyncio.wait_for(poll, 2)  # woken by the new update, not by the timeout
    assert [u.message.text for u in got if u.message] == ["two"]
    fake.send_text(CHAT, "three")
    assert len(await bot.get_updates(offset=second, limit=1)) == 1
    assert [u.message.text for u in await bot.get_updates(offset=second + 1) if u.message] == [
        "three"
    ]


async def test_second_long_poll_ends_the_first(bot: Bot, fake: FakeTelegram) -> None:
    async with Bot(fake.token, base_url=fake.base_url) as other:
        first = asyncio.create_task(bot.get_updates(timeout=30))
        await fake.wait_until(lambda: fake.stats.requests["getUpdates"] == 1)
        second = asyncio.create_task(other.get_updates(timeout=30))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 2)
        fake.send_text(CHAT, "hello")
        assert len(await asyncio.wait_for(second, 2)) == 1


async def test_webhook_blocks_get_updates(bot: Bot, fake: FakeTelegram) -> None:
    assert await bot.set_webhook("https://bot.example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://bot.example.org/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    with pytest.raises(BadRequest, match="https url must be provided"):
        await bot.set_webhook("http://insecure.example.org")
    fake.send_text(CHAT, "pending")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()
    assert await bot.log_out() and await bot.close()


async def test_stop_releases_a_pending_long_poll() -> None:
    fake = await FakeTelegram().start()
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await fake.wait_until(lambda: fake.stats.requests["getUpdates"] == 1)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await fake.stop()
        assert await asyncio.wait_for(poll, 2) == ()
        assert loop.time() - started < 1.0


async def test_users_share_locations_venues_live_and_forwarded(
    fake: FakeTelegram, bot: Bot
) -> None:
    fake.send_location(77, 26.0, 63.05)
    fake.send_location(77, 25.12, 62.32, venue_title="Gwadar Port")
    fake.send_location(77, 30.18, 67.0, live_period=900, forwarded_from="Brother")
    first, venue, live = [u.message for u in await bot.get_updates()]
    assert first is not None and first.location is not None
    assert (first.location.latitude, first.location.longitude) == (26.0, 63.05)
    assert first.location.live_period is None and first.venue is None
    assert venue is not None and venue.venue is not None and venue.venue.title == "Gwadar Port"
    assert venue.location is not None and venue.venue.location == venue.location
    assert live is not None and live.location is not None
    assert live.location.live_period == dt.timedelta(seconds=900)
    assert live.forward_origin is not None and live.forward_origin.type == "hidden_user"


async def test_reply_keyboards_are_kept_for_assertions(fake: FakeTelegram, bot: Bot) -> None:
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton("📍 Share", request_location=True)]], one_time_keyboard=True
    )
    await bot.send_message(77, "Where are you?", reply_markup=markup)
    sent = fake.last(77)
    assert sent.reply_keyboard == [{"text": "📍 Share", "request_location": True}]
    assert sent.buttons == []  # not an inline keyboard
