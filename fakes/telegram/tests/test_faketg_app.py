"""A real PTB Application polling the fake: what a user would see."""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator
from typing import Any, TypeAlias

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler
from telegram.ext import ContextTypes as Ctx

from faketg import FakeEvent, FakeTelegram

AnyApp: TypeAlias = Application[Any, Any, Any, Any, Any, Any]
CHAT = 4242
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Subscribe", callback_data="sub:quetta")]])


async def start(update: Update, context: Ctx.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    name = update.effective_user.first_name if update.effective_user else "?"
    await update.effective_message.reply_text(
        f"Welcome, <b>{name}</b>! Pick a district:",
        parse_mode=ParseMode.HTML,
        reply_markup=KEYBOARD,
    )


async def on_button(update: Update, context: Ctx.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    if query.message is None or not query.message.is_accessible:
        await query.answer("This button has expired", show_alert=True)
        return
    await query.answer("Subscribed!")
    await query.edit_message_text(
        f"Subscribed to <i>{query.data}</i> ✅", parse_mode=ParseMode.HTML
    )


@pytest.fixture
async def app(fake: FakeTelegram) -> AsyncIterator[AnyApp]:
    application = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(on_button))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=10))
        yield application
        await application.updater.stop()
        await application.stop()


async def test_start_then_button_edits_the_message(fake: FakeTelegram, app: AnyApp) -> None:
    mark = fake.mark(CHAT)
    fake.send_text(CHAT, "/start", first_name="Nazia")
    reply = await fake.wait_for_message(CHAT, after=mark)
    assert reply.plain == "Welcome, Nazia! Pick a district:"
    assert reply.html.startswith("Welcome, <b>Nazia</b>")
    assert reply.button_texts == ["Subscribe"]

    mark = fake.mark(CHAT)
    query_id = fake.click(reply, "Subscribe")
    edited = await fake.wait_for_message(CHAT, "Subscribed", after=mark)
    assert edited is reply
    assert edited.plain == "Subscribed to sub:quetta ✅"
    assert edited.buttons == []  # editMessageText without reply_markup drops the keyboard
    assert [v.plain for v in edited.edits] == ["Welcome, Nazia! Pick a district:"]
    answer = await fake.wait_for_callback_answer(query_id)
    assert answer.text == "Subscribed!"
    assert not answer.show_alert
    assert fake.stats.requests["getUpdates"] >= 1


async def test_stale_button_gets_an_alert(fake: FakeTelegram, app: AnyApp) -> None:
    fake.send_text(CHAT, "/start")
    reply = await fake.wait_for_message(CHAT)
    await app.bot.delete_message(CHAT, reply.message_id)
    assert fake.last(CHAT).deleted
    query_id = fake.press_button(CHAT, reply.message_id, "sub:quetta")
    answer = await fake.wait_for_callback_answer(query_id)
    assert answer.text == "This button has expired"
    assert answer.show_alert


async def test_event_hook_sees_the_transcript(fake: FakeTelegram, app: AnyApp) -> None:
    events: list[FakeEvent] = []
    unsubscribe = fake.on_event(events.append)
    fake.send_text(CHAT, "/start")
    reply = await fake.wait_for_message(CHAT)
    fake.click(reply, "Subscribe")
    await fake.wait_for_message(CHAT, "Subscribed")
    await fake.wait_until(lambda: any(e.kind == "callback_answer" for e in events))
    unsubscribe()
    kinds = [e.kind for e in events]
    assert kinds[:3] == ["user_message", "bot_message", "callback_query"]
    assert "bot_edit" in kinds
    assert events[0].text == "/start"


async def test_wait_for_message_timeout_lists_the_chat(fake: FakeTelegram, app: AnyApp) -> None:
    fake.send_text(CHAT, "/start")
    await fake.wait_for_message(CHAT)
    with pytest.raises(AssertionError) as err:
        await fake.wait_for_message(CHAT, "never said", timeout=0.05)
    report = str(err.value)
    assert "'never said'" in report
    assert "Welcome, Test! Pick a district:" in report
    assert "buttons=['Subscribe']" in report


async def test_many_users_in_parallel(fake: FakeTelegram, app: AnyApp) -> None:
    chats = list(range(1, 31))
    for chat in chats:
        fake.send_text(chat, "/start")
    for chat in chats:
        reply = await fake.wait_for_message(chat, "Welcome")
        assert reply.chat_id == chat
    assert sum(fake.stats.messages_per_chat[c] for c in chats) == len(chats)
