"""Residents sharing a location to find their district: placing it, and the typed label.

The coordinates are read once, placed in a district by the gazetteer's outlines and then
dropped: only the district chosen is stored, and nothing here logs them.
"""

from __future__ import annotations

from telegram import Update

from core.context import Context
from domain.gazetteer import PlacementKind
from handlers.common import followed_slugs, is_private, load_resident, reply
from handlers.residents.subscriptions import place_names_typed
from storage import residents
from views import keyboards
from views import location as views

NO_FIX = 1e-6  # degrees: a phone without a fix reports exactly 0, 0


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
    if placement.kind is PlacementKind.DISTRICT and placement.best is not None:
        district = placement.best
        async with context.services.database.transaction() as session:
            chat_id = update.effective_chat.id
            await residents.ensure_resident(session, chat_id=chat_id, language=_.language)
            added = await residents.subscribe(session, chat_id=chat_id, districts=[district.slug])
        await reply(update, views.placed(_, district, added=bool(added), venue=venue, live=live))
    elif placement.districts:  # a shared outline, or just outside one: the resident decides
        text = views.confirm(_, placement, venue=venue, live=live)
        await reply(update, text, views.shared_choices(_, placement.districts))
    else:
        no_fix = abs(lat) < NO_FIX and abs(lon) < NO_FIX
        text = views.outside(_, region=gazetteer.region.name, no_fix=no_fix)
        followed = await followed_slugs(update, context)
        await reply(update, text, keyboards.divisions(_, gazetteer, followed))


async def share_button_typed(update: Update, context: Context) -> None:
    """The button's label arrived as text: explain where and how sharing works."""
    message = update.effective_message
    catalogs = context.services.catalogs
    labels = {catalogs.get(code).plain(views.SHARE_LABEL) for code in catalogs.languages}
    if message is None or (message.text or "").strip() not in labels:
        await place_names_typed(update, context)  # "📍 Quetta" is a place name after all
        return
    _resident, _ = await load_resident(update, context)
    await reply(update, views.button_typed(_, private=is_private(update)))
