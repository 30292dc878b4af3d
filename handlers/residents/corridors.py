"""Residents and the roads and railways they follow: the /mysubs screen and route buttons."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from core.context import Context
from core.i18n import Translator
from domain.gazetteer import Route
from handlers.common import (
    district_list,
    edit,
    load_resident,
    reply,
    route_list,
    stale_button,
)
from usecases.residents import follow, followed, unfollow
from views import corridors, keyboards
from views import residents as views


async def subscriptions_screen(
    update: Update, context: Context, _: Translator
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/mysubs: the districts, then the roads and railways, each with its remove buttons."""
    assert update.effective_chat is not None
    found = await followed(database=context.services.database, chat_id=update.effective_chat.id)
    districts = district_list(context, found.districts)
    routes = route_list(context, found.routes)
    text = views.my_subscriptions(_, districts)
    if routes and not districts:
        text = corridors.my_corridors(_, routes)
    elif routes:
        text += "\n\n" + corridors.my_corridors(_, routes)
    markup = corridors.with_rows(
        keyboards.removals(_, districts),
        corridors.route_rows(_, routes, corridors.CB_ROUTE_REMOVE),
    )
    return text, markup


async def _button_route(update: Update, context: Context) -> Route | None:
    """The route named after the ':' of the tapped button; None (answered) if unknown."""
    query = update.callback_query
    assert query is not None and query.data is not None
    found = route_list(context, [query.data.split(":", 1)[1]])
    if not found:
        await stale_button(update, context)
        return None
    return found[0]


async def choose_route(update: Update, context: Context) -> None:
    """Follow the road or railway the resident chose from "which one"."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    route = await _button_route(update, context)
    if route is None:
        return
    _resident, _ = await load_resident(update, context)
    changed = await follow(
        database=context.services.database,
        chat_id=update.effective_chat.id,
        language=_.language,
        routes=[route.code],
    )
    await query.answer()
    added = [route] if changed.routes else []
    lines = corridors.corridors_reply(_, corridors.NOTHING_READ, added, [] if added else [route])
    await reply(update, "\n".join(lines))


async def remove_route_button(update: Update, context: Context) -> None:
    """Stop following the road or railway on the tapped /mysubs button; refresh the list."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    route = await _button_route(update, context)
    if route is None:
        return
    _resident, _ = await load_resident(update, context)
    await unfollow(
        database=context.services.database,
        chat_id=update.effective_chat.id,
        routes=[route.code],
    )
    await query.answer(_.plain("Stopped {district}", district=route.label(_.language)))
    await edit(query, *await subscriptions_screen(update, context, _))
