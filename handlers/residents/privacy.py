"""Residents' own data: /mydata shows it, /delete erases it."""

from __future__ import annotations

from telegram import Update

from core.context import Context
from domain.sms.numbers import mask_number
from handlers.common import district_list, edit, load_resident, reply, route_list
from storage import checkins, delivery_upkeep, residents, sms
from usecases import sms as sms_usecases
from usecases.residents import stored_data
from views import checkins as checkin_views
from views import corridors, keyboards
from views import residents as views


async def my_data(update: Update, context: Context) -> None:
    """Show exactly what is stored about the chat."""
    resident, _ = await load_resident(update, context)
    if resident is None:
        await reply(update, _("Nothing is stored about this chat."))
        return
    stored = await stored_data(database=context.services.database, chat_id=resident.chat_id)
    vault = context.services.settings.number_vault()
    number = (
        await sms_usecases.fallback_number(
            database=context.services.database, vault=vault, chat_id=resident.chat_id
        )
        if vault
        else None
    )
    routes = route_list(context, stored.corridors)
    text = views.my_data(
        _,
        resident.chat_id,
        resident.language,
        district_list(context, stored.followed),
        residents.preferences_of(resident),
        resident.active,
        stored.deliveries,
    )
    extra = checkin_views.stored_lines(_, resident.heartbeat_minute, stored.answers)
    if number is not None:
        extra += "\n\n" + _(
            "Phone number for SMS during a data shutdown: {number} (encrypted; "
            "<code>/sms off</code> erases it).",
            number=mask_number(number),
        )
    await reply(update, "\n\n".join([text, corridors.stored(_, routes, stored.mutes), extra]))


async def ask_delete(update: Update, context: Context) -> None:
    """Ask before erasing everything about the chat."""
    resident, _ = await load_resident(update, context)
    if resident is None:
        await reply(update, _("Nothing is stored about this chat."))
        return
    await reply(
        update,
        _("Delete everything Khabardar stores about this chat? You will stop receiving alerts."),
        keyboards.confirm_delete(_),
    )


async def confirm_delete(update: Update, context: Context) -> None:
    """Erase the chat's data, or keep it, as the tapped button says."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    _resident, _ = await load_resident(update, context)
    await query.answer()
    if query.data.endswith(":no"):
        await edit(query, _("Kept. Nothing was deleted."), None)
        return
    async with context.services.database.transaction() as session:
        # Which alerts a chat received is personal too: erased with the rest.
        await delivery_upkeep.forget_chat(session, chat_id=update.effective_chat.id)
        await checkins.forget_chat(session, chat_id=update.effective_chat.id)
        await sms.erase_fallback(session, chat_id=update.effective_chat.id)
        deleted = await residents.delete_resident(session, chat_id=update.effective_chat.id)
    if deleted:
        await edit(
            query,
            _(
                "Deleted. Nothing about this chat is stored any more. "
                "Send /start if you want alerts again."
            ),
            None,
        )
    else:
        await edit(query, _("Nothing is stored about this chat."), None)
