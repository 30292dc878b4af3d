"""Residents sharing a location to find their district: the offer, and placing it.

The coordinates are read once, placed in a district by the gazetteer's outlines and then
dropped: only the district chosen is stored, and nothing here logs them.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from core.context import Context
from domain.gazetteer import PlacementKind
from handlers.common import followed_slugs, load_resident, reply
from storage import residents
from views import keyboards
from views import location as views

NO_FIX = 1e-6  # degrees: a phone without a fix reports exactly 0, 0


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
    await message.reply_text(views.offer(_), reply_markup=views.request_keyboard(_), do_quote=False)


async def location_shared(update: Update, context: Context) -> None:
    """Follow the district a shared location or venue lies in (ask when it is unclear)."""
    message = update.effective_message
    assert message is not None and message.location is not None and update.effective_chat
    _resident, _ = await load_resident(update, context)
    gazetteer = context.services.gazetteer
    lat, lon = message.location.latitude, message.location.longitude
    placement = gazetteer.locate(lat, lon)
    venue = message.venue.title if message.venue else None
    live = message.location.live_period is not None
    if placement.kind is PlacementKind.OUTSIDE or placement.best is None:
        no_fix = abs(lat) < NO_FIX and abs(lon) < NO_FIX
        text = views.outside(_, region=gazetteer.region.name, no_fix=no_fix)
        followed = await followed_slugs(update, context)
        await reply(update, text, keyboards.divisions(_, gazetteer, followed))
        return
    if placement.kind in (PlacementKind.SHARED, PlacementKind.NEAR):
        confirm = (
            views.confirm_shared if placement.kind is PlacementKind.SHARED else views.confirm_near
        )
        text = confirm(_, placement.districts, venue=venue, live=live)
        await reply(update, text, views.shared_choices(_, placement.districts))
        return
    district = placement.best
    async with context.services.database.transaction() as session:
        chat_id = update.effective_chat.id
        await residents.ensure_resident(session, chat_id=chat_id, language=_.language)
        added = await residents.subscribe(session, chat_id=chat_id, districts=[district.slug])
    await reply(update, views.placed(_, district, added=bool(added), venue=venue, live=live))


async def share_button_typed(update: Update, context: Context) -> None:
    """The button's label arrived as text: explain where and how sharing works."""
    _resident, _ = await load_resident(update, context)
    await reply(update, views.button_typed(_, private=is_private(update)))
