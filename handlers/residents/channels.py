"""Residents and district channels: the channel buttons, and "channel only" for a district."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.context import Context
from core.i18n import Translator
from handlers.common import button_district, load_resident, reply, stale_button
from storage import residents
from usecases import channels
from views import channels as views


async def offer_channels(
    update: Update, context: Context, _: Translator, districts: list[str], *, channel_only: bool
) -> None:
    """After choosing districts (or in /settings): each linked public channel as a t.me button,
    and, when asked, a "channel only" button per district that has one."""
    if not districts:
        return
    database, gazetteer = context.services.database, context.services.gazetteer
    found = await channels.linked(database=database, districts=tuple(districts))
    links = views.channel_buttons(_, found, districts, gazetteer)
    if links is None:
        return
    rows = list(links.inline_keyboard)
    if channel_only:
        covered = {d for c in found if c.link for d in c.districts} & set(districts)
        for slug in [d for d in districts if d in covered]:
            name = gazetteer.district(slug).display_name(_.language)
            label = _.plain("Channel only for {district}", district=name)
            rows.append(
                (InlineKeyboardButton(label, callback_data=f"{views.CB_CHANNEL_ONLY}:{slug}"),)
            )
    await reply(update, views.channel_note(_), InlineKeyboardMarkup(rows))


async def channel_only(update: Update, context: Context) -> None:
    """Follow a district through its channel only: its subscription row is deleted."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    district = await button_district(update, context)
    if district is None:
        return
    found = await channels.linked(database=context.services.database, districts=(district.slug,))
    if not any(c.link for c in found):  # unlinked since the button was sent
        await stale_button(update, context)
        return
    _resident, _ = await load_resident(update, context)
    async with context.services.database.transaction() as session:
        await residents.unsubscribe(
            session, chat_id=update.effective_chat.id, districts=[district.slug]
        )
    await query.answer()
    await reply(
        update,
        _(
            "You now follow {district} through its channel only. The bot keeps no record that "
            "you follow it, and sends you no private messages for it. Join the channel with the "
            "button above; /subscribe {district} brings private messages back.",
            district=district.display_name(_.language),
        ),
    )
