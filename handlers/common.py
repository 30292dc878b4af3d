"""Small helpers shared by the handler modules: who is asking, and replying safely."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from core.context import Asker, Context
from core.i18n import Translator
from domain.gazetteer import District, Route
from storage import residents
from storage.models import Resident
from usecases.asker import who_is_asking
from views import keyboards
from views import location as location_views
from views import residents as views

log = logging.getLogger(__name__)


async def asker(update: Update, context: Context) -> Asker:
    """Who sent the update; read from the database once per update, then from the context."""
    if context.asker is None:
        chat, user = update.effective_chat, update.effective_user
        context.asker = await who_is_asking(
            database=context.services.database,
            chat_id=chat.id if chat else None,
            user_id=user.id if user else None,
            admin_ids=context.services.settings.admin_ids,
        )
    return context.asker


async def load_resident(update: Update, context: Context) -> tuple[Resident | None, Translator]:
    """The stored resident for this chat (if any) and the words of their language."""
    assert update.effective_chat is not None
    resident = (await asker(update, context)).resident
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


async def stale_button(update: Update, context: Context) -> None:
    """Answer a button that no longer means anything (an old message, an older version)."""
    query = update.callback_query
    assert query is not None
    _resident, _ = await load_resident(update, context)
    await query.answer(
        _.plain("This button is out of date. Please send the command again."), show_alert=True
    )


async def followed_slugs(update: Update, context: Context) -> list[str]:
    """The district slugs this chat follows."""
    assert update.effective_chat is not None
    async with context.services.database.read() as session:
        return await residents.list_subscriptions(session, chat_id=update.effective_chat.id)


def district_list(context: Context, slugs: list[str]) -> list[District]:
    """Gazetteer districts for slugs, in gazetteer order."""
    # Slugs of districts a deployer removed from the gazetteer are skipped, not shown raw.
    gazetteer = context.services.gazetteer
    found = [gazetteer.get(slug) for slug in slugs]
    ordered = [d for d in found if d is not None]
    return sorted(ordered, key=lambda d: gazetteer.districts.index(d))


def route_list(context: Context, codes: list[str]) -> list[Route]:
    """Gazetteer routes for stored codes, in gazetteer order; codes no longer listed skipped."""
    routes = context.services.gazetteer.routes
    wanted = set(codes)
    return [route for route in routes if route.code in wanted]


async def button_district(update: Update, context: Context) -> District | None:
    """The district named after the ':' of the tapped button; None (answered) if unknown."""
    query = update.callback_query
    assert query is not None and query.data is not None
    district = context.services.gazetteer.get(query.data.rsplit(":", 1)[-1])
    if district is None:
        await stale_button(update, context)
    return district


def picker_screen(
    context: Context, _: Translator, followed: list[str]
) -> tuple[str, InlineKeyboardMarkup]:
    """The district picker's first screen: what the chat follows, and the divisions."""
    return (
        views.picker(_, district_list(context, followed)),
        keyboards.divisions(_, context.services.gazetteer, followed),
    )


def is_private(update: Update) -> bool:
    """Whether the update comes from a one-to-one chat (where request_location works)."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def offer_location(update: Update, context: Context) -> None:
    """In a private chat, put the "📍 Share my location" button under the text box."""
    if not is_private(update):
        return
    _resident, _ = await load_resident(update, context)
    message = update.effective_message
    assert message is not None
    await message.reply_text(
        location_views.offer(_), reply_markup=location_views.request_keyboard(_), do_quote=False
    )
