"""Residents choosing districts: /subscribe, /unsubscribe, /mysubs, the picker, typed names."""

from __future__ import annotations

from telegram import Update

from core.context import Context
from core.i18n import Translator
from domain.gazetteer import District, Route, normalize_digits
from domain.places import read_places
from handlers.common import (
    argument_text,
    button_district,
    district_list,
    edit,
    followed_slugs,
    load_resident,
    offer_location,
    picker_screen,
    reply,
    stale_button,
)
from handlers.residents.channels import offer_channels
from handlers.residents.corridors import subscriptions_screen
from storage import residents
from usecases.residents import follow, unfollow
from views import corridors, keyboards
from views import residents as views


async def subscribe(update: Update, context: Context) -> None:
    """Follow the districts named after the command, or open the picker."""
    text = argument_text(update)
    if not text:
        await _open_picker(update, context)
        return
    await _follow_named_places(update, context, text)


async def place_names_typed(update: Update, context: Context) -> None:
    """Treat a plain message as place or route names to follow; otherwise point to /help."""
    message = update.effective_message
    text = normalize_digits(message.text or "") if message else ""
    if read_places(context.services.gazetteer, text).understood:
        await _follow_named_places(update, context, text)
        return
    _resident, _ = await load_resident(update, context)
    await reply(
        update,
        _(
            "Sorry, I didn't understand that. "
            "Send the name of a district or town to follow it, or /help."
        ),
    )


async def _follow_named_places(update: Update, context: Context, text: str) -> None:
    _resident, _ = await load_resident(update, context)
    assert update.effective_chat is not None
    reading = read_places(context.services.gazetteer, text)
    added: list[District] = []
    already: list[District] = []
    new_routes: list[Route] = []
    old_routes: list[Route] = []
    if reading.districts or reading.routes:
        changed = await follow(
            database=context.services.database,
            chat_id=update.effective_chat.id,
            language=_.language,
            districts=[d.slug for d in reading.districts],
            routes=[r.code for r in reading.routes],
        )
        added = [d for d in reading.districts if d.slug in changed.districts]
        already = [d for d in reading.districts if d.slug not in changed.districts]
        new_routes = [r for r in reading.routes if r.code in changed.routes]
        old_routes = [r for r in reading.routes if r.code not in changed.routes]
    options: list[tuple[str, District]] = []
    for resolution in reading.ambiguous:
        options.extend(
            (f"{resolution.query} ({c.district.display_name(_.language)})", c.district)
            for c in resolution.candidates
        )
    for resolution in reading.suggestions:
        options.extend(
            (c.district.display_name(_.language), c.district) for c in resolution.candidates
        )
    lines = [views.places_reply(_, reading, added, already)]
    lines += corridors.corridors_reply(_, reading, new_routes, old_routes)
    markup = corridors.with_rows(
        keyboards.choices(_, options) if options else None, corridors.route_choices(_, reading)
    )
    await reply(update, "\n".join(line for line in lines if line), markup)
    chosen = [d.slug for d in (*added, *already)]
    await offer_channels(update, context, _, chosen, channel_only=False)


async def _open_picker(update: Update, context: Context) -> None:
    _resident, _ = await load_resident(update, context)
    followed = await followed_slugs(update, context)
    await offer_location(update, context)  # first, so the picker is the newest message
    await reply(update, *picker_screen(context, _, followed))


async def show_divisions(update: Update, context: Context) -> None:
    """Go back from a division to the list of divisions."""
    query = update.callback_query
    assert query is not None
    _resident, _ = await load_resident(update, context)
    followed = await followed_slugs(update, context)
    await query.answer()
    await edit(query, *picker_screen(context, _, followed))


async def show_division(update: Update, context: Context) -> None:
    """Open one division's districts."""
    query = update.callback_query
    assert query is not None and query.data is not None
    gazetteer = context.services.gazetteer
    index = int(query.data.split(":")[1])
    if index >= len(gazetteer.divisions):
        await stale_button(update, context)
        return
    _resident, _ = await load_resident(update, context)
    await query.answer()
    await _render_division(update, context, _, gazetteer.divisions[index])


async def _render_division(update: Update, context: Context, _: Translator, division: str) -> None:
    query = update.callback_query
    assert query is not None
    gazetteer = context.services.gazetteer
    followed = await followed_slugs(update, context)
    await edit(
        query,
        views.division_heading(
            _, gazetteer.division_name(division, _.language), district_list(context, followed)
        ),
        keyboards.districts(_, gazetteer.districts_in(division), followed),
    )


async def follow_from_picker(update: Update, context: Context) -> None:
    """Follow or stop following the district on the tapped button."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    action = query.data.split(":")[0]
    district = await button_district(update, context)
    if district is None:
        return
    _resident, _ = await load_resident(update, context)
    async with context.services.database.transaction() as session:
        if action == keyboards.CB_ON:
            await residents.ensure_resident(
                session, chat_id=update.effective_chat.id, language=_.language
            )
            await residents.subscribe(
                session, chat_id=update.effective_chat.id, districts=[district.slug]
            )
        else:
            await residents.unsubscribe(
                session, chat_id=update.effective_chat.id, districts=[district.slug]
            )
    name = district.display_name(_.language)
    await query.answer(
        _.plain("Following {district}", district=name)
        if action == keyboards.CB_ON
        else _.plain("Stopped {district}", district=name)
    )
    await _render_division(update, context, _, district.division)


async def close_picker(update: Update, context: Context) -> None:
    """Close the picker and summarise."""
    query = update.callback_query
    assert query is not None
    _resident, _ = await load_resident(update, context)
    followed = await followed_slugs(update, context)
    await query.answer()
    await edit(query, views.picker_done(_, district_list(context, followed)), None)
    await offer_channels(update, context, _, followed, channel_only=False)


async def my_subscriptions(update: Update, context: Context) -> None:
    """List the followed districts and routes with a remove button each."""
    _resident, _ = await load_resident(update, context)
    await reply(update, *await subscriptions_screen(update, context, _))


async def unsubscribe(update: Update, context: Context) -> None:
    """Stop following the named districts and routes, or show the list to remove from."""
    text = argument_text(update)
    if not text:
        await my_subscriptions(update, context)
        return
    _resident, _ = await load_resident(update, context)
    assert update.effective_chat is not None
    reading = read_places(context.services.gazetteer, text)
    removed = await unfollow(
        database=context.services.database,
        chat_id=update.effective_chat.id,
        districts=[d.slug for d in reading.districts],
        routes=[r.code for r in reading.routes],
    )
    await reply(
        update,
        views.unsubscribed(
            _,
            [d for d in reading.districts if d.slug in removed.districts],
            reading,
            corridors.unsubscribed_routes(_, reading, removed.routes),
        ),
    )


async def remove_button(update: Update, context: Context) -> None:
    """Stop following the district on the tapped /mysubs button and refresh the list."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    district = await button_district(update, context)
    if district is None:
        return
    _resident, _ = await load_resident(update, context)
    await unfollow(
        database=context.services.database,
        chat_id=update.effective_chat.id,
        districts=[district.slug],
    )
    await query.answer(_.plain("Stopped {district}", district=district.display_name(_.language)))
    await edit(query, *await subscriptions_screen(update, context, _))


async def choose_candidate(update: Update, context: Context) -> None:
    """Follow the district the resident chose from "did you mean" or "which one"."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    district = await button_district(update, context)
    if district is None:
        return
    _resident, _ = await load_resident(update, context)
    async with context.services.database.transaction() as session:
        await residents.ensure_resident(
            session, chat_id=update.effective_chat.id, language=_.language
        )
        added = await residents.subscribe(
            session, chat_id=update.effective_chat.id, districts=[district.slug]
        )
    await query.answer()
    text = views.places_reply(
        _,
        read_places(context.services.gazetteer, ""),
        [district] if added else [],
        [] if added else [district],
    )
    await reply(update, text)
