"""Small helpers shared by the handler modules: who is asking, and replying safely."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import Context
from bot.i18n import Translator
from storage import residents
from storage.models import Resident

log = logging.getLogger(__name__)


async def load_resident(update: Update, context: Context) -> tuple[Resident | None, Translator]:
    """The stored resident for this chat (if any) and the words of their language."""
    chat = update.effective_chat
    assert chat is not None
    async with context.services.database.transaction() as session:
        resident = await residents.get_resident(session, chat_id=chat.id)
    if resident is not None:
        return resident, context.translator(resident.language)
    user = update.effective_user
    guess = context.services.catalogs.pick(user.language_code if user else None)
    return None, context.translator(guess)


def argument_text(update: Update) -> str:
    """What follows the command word, e.g. 'Quetta, Pasni' in '/subscribe Quetta, Pasni'."""
    message = update.effective_message
    text = (message.text or "") if message else ""
    _command, _sep, rest = text.partition(" ")
    if "\n" in _command:  # "/subscribe\nQuetta" is also a command with an argument
        _command, _sep, head = _command.partition("\n")
        rest = head + " " + rest
    return rest.strip()


async def edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the message a button belongs to; an identical edit (a double tap) is not an error."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "message is not modified" not in exc.message.lower():
            raise


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Answer in the chat the update came from."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(text, reply_markup=markup, do_quote=False)
