"""Resident commands and buttons: language, districts, preferences, own data."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import keyboards, views
from bot.context import Context, KhabardarApp
from bot.i18n import N_, Translator
from domain.gazetteer import District, normalize_digits
from domain.places import read_places
from domain.preferences import AlertKind, Preferences, QuietHours, Severity
from handlers.common import argument_text, edit, load_resident, reply
from storage import residents

# (command, description) in the order Telegram's menu shows them.
COMMANDS = (
    ("start", N_("Start, choose language and districts")),
    ("subscribe", N_("Follow districts, e.g. /subscribe Quetta, Pasni")),
    ("unsubscribe", N_("Stop following districts")),
    ("mysubs", N_("The districts you follow")),
    ("settings", N_("Which alerts, minimum severity, quiet hours")),
    ("language", N_("Change language")),
    ("mydata", N_("See exactly what is stored about you")),
    ("delete", N_("Erase everything stored about you")),
    ("help", N_("How Khabardar works")),
)
QUIET_OFF_WORDS = frozenset({"off", "none", "no", "0", "بند", "ختم", "نہیں"})


def register(app: KhabardarApp) -> None:
    """Add the resident handlers, most specific first."""
    app.add_handlers(
        [
            CommandHandler("start", start),
            CommandHandler("help", show_help),
            CommandHandler("subscribe", subscribe),
            CommandHandler("unsubscribe", unsubscribe),
            CommandHandler("mysubs", my_subscriptions),
            CommandHandler("language", choose_language),
            CommandHandler("settings", show_settings),
            CommandHandler("quiet", set_quiet_hours),
            CommandHandler("mydata", my_data),
            CommandHandler("delete", ask_delete),
            CallbackQueryHandler(language_chosen, pattern=rf"^{keyboards.CB_LANGUAGE}:[sl]:\w+$"),
            CallbackQueryHandler(show_divisions, pattern=rf"^{keyboards.CB_DIVISIONS}$"),
            CallbackQueryHandler(show_division, pattern=rf"^{keyboards.CB_DIVISION}:\d+$"),
            CallbackQueryHandler(
                follow_from_picker, pattern=rf"^({keyboards.CB_ON}|{keyboards.CB_OFF}):[\w-]+$"
            ),
            CallbackQueryHandler(close_picker, pattern=rf"^{keyboards.CB_DONE}$"),
            CallbackQueryHandler(remove_button, pattern=rf"^{keyboards.CB_REMOVE}:[\w-]+$"),
            CallbackQueryHandler(choose_candidate, pattern=rf"^{keyboards.CB_CHOOSE}:[\w-]+$"),
            CallbackQueryHandler(change_setting, pattern=rf"^{keyboards.CB_SETTINGS}:"),
            CallbackQueryHandler(confirm_delete, pattern=rf"^{keyboards.CB_DELETE}:(yes|no)$"),
        ]
    )


def register_free_text(app: KhabardarApp) -> None:
    """Plain messages: read them as place names. Registered after every other audience."""
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, place_names_typed))


async def start(update: Update, context: Context) -> None:
    """Greet the chat and offer the languages."""
    _resident, _ = await load_resident(update, context)
    await reply(
        update, views.welcome(_), keyboards.languages(context.services.catalogs, during_start=True)
    )


async def choose_language(update: Update, context: Context) -> None:
    """Offer the languages again."""
    _resident, _ = await load_resident(update, context)
    await reply(
        update,
        _("Choose your language:"),
        keyboards.languages(context.services.catalogs, during_start=False),
    )


async def language_chosen(update: Update, context: Context) -> None:
    """Store the language; during /start, go on to the district picker."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    _prefix, mode, code = query.data.split(":")
    if code not in context.services.catalogs.languages:
        await stale_button(update, context)
        return
    async with context.services.database.transaction() as session:
        await residents.ensure_resident(session, chat_id=update.effective_chat.id, language=code)
        await residents.set_language(session, chat_id=update.effective_chat.id, language=code)
        followed = await residents.list_subscriptions(session, chat_id=update.effective_chat.id)
    _ = context.translator(code)
    await query.answer()
    await edit(query, views.language_set(_), None)
    if mode == "s":
        await reply(
            update,
            views.picker(_, _districts(context, followed)),
            keyboards.divisions(_, context.services.gazetteer, followed),
        )


async def show_help(update: Update, context: Context) -> None:
    """Explain what the bot does and list the commands."""
    _resident, _ = await load_resident(update, context)
    lines = [_("<b>Khabardar</b>: verified alerts for the districts you follow.")]
    lines.extend(f"/{name} — {_(description)}" for name, description in COMMANDS)
    lines.append("")
    lines.append(_("You can also just send the name of a district or town, e.g. Dalbandin."))
    await reply(update, "\n".join(lines))


async def subscribe(update: Update, context: Context) -> None:
    """Follow the districts named after the command, or open the picker."""
    text = argument_text(update)
    if not text:
        await _open_picker(update, context)
        return
    await _follow_named_places(update, context, text)


async def place_names_typed(update: Update, context: Context) -> None:
    """Treat a plain message as place names to follow; otherwise point to /help."""
    message = update.effective_message
    text = normalize_digits(message.text or "") if message else ""
    reading = read_places(context.services.gazetteer, text)
    if reading.districts or reading.ambiguous or reading.suggestions or reading.too_long:
        await _follow_named_places(update, context, text)
        return
    _resident, _ = await load_resident(update, context)
    await reply(
        update,
        _(
            "Sorry, I didn't understand that. Send the name of a district or town to follow it, or /help."
        ),
    )


async def _follow_named_places(update: Update, context: Context, text: str) -> None:
    resident, _ = await load_resident(update, context)
    assert update.effective_chat is not None
    reading = read_places(context.services.gazetteer, text)
    added: list[District] = []
    already: list[District] = []
    if reading.districts:
        async with context.services.database.transaction() as session:
            await residents.ensure_resident(
                session, chat_id=update.effective_chat.id, language=_.language
            )
            new = set(
                await residents.subscribe(
                    session,
                    chat_id=update.effective_chat.id,
                    districts=[d.slug for d in reading.districts],
                )
            )
        added = [d for d in reading.districts if d.slug in new]
        already = [d for d in reading.districts if d.slug not in new]
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
    await reply(
        update,
        views.places_reply(_, reading, added, already),
        keyboards.choices(_, options) if options else None,
    )


async def _open_picker(update: Update, context: Context) -> None:
    _resident, _ = await load_resident(update, context)
    followed = await _followed(update, context)
    await reply(
        update,
        views.picker(_, _districts(context, followed)),
        keyboards.divisions(_, context.services.gazetteer, followed),
    )


async def show_divisions(update: Update, context: Context) -> None:
    """Go back from a division to the list of divisions."""
    query = update.callback_query
    assert query is not None
    _resident, _ = await load_resident(update, context)
    followed = await _followed(update, context)
    await query.answer()
    await edit(
        query,
        views.picker(_, _districts(context, followed)),
        keyboards.divisions(_, context.services.gazetteer, followed),
    )


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
    followed = await _followed(update, context)
    await edit(
        query,
        views.division_heading(
            _, gazetteer.division_name(division, _.language), _districts(context, followed)
        ),
        keyboards.districts(_, gazetteer.districts_in(division), followed),
    )


async def follow_from_picker(update: Update, context: Context) -> None:
    """Follow or stop following the district on the tapped button."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    action, slug = query.data.split(":")
    district = context.services.gazetteer.get(slug)
    if district is None:
        await stale_button(update, context)
        return
    _resident, _ = await load_resident(update, context)
    async with context.services.database.transaction() as session:
        if action == keyboards.CB_ON:
            await residents.ensure_resident(
                session, chat_id=update.effective_chat.id, language=_.language
            )
            await residents.subscribe(session, chat_id=update.effective_chat.id, districts=[slug])
        else:
            await residents.unsubscribe(session, chat_id=update.effective_chat.id, districts=[slug])
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
    followed = await _followed(update, context)
    await query.answer()
    await edit(query, views.picker_done(_, _districts(context, followed)), None)


async def my_subscriptions(update: Update, context: Context) -> None:
    """List the followed districts with a remove button each."""
    _resident, _ = await load_resident(update, context)
    followed = _districts(context, await _followed(update, context))
    await reply(update, views.my_subscriptions(_, followed), keyboards.removals(_, followed))


async def unsubscribe(update: Update, context: Context) -> None:
    """Stop following the named districts, or show the list to remove from."""
    text = argument_text(update)
    if not text:
        await my_subscriptions(update, context)
        return
    _resident, _ = await load_resident(update, context)
    assert update.effective_chat is not None
    reading = read_places(context.services.gazetteer, text)
    async with context.services.database.transaction() as session:
        removed = set(
            await residents.unsubscribe(
                session,
                chat_id=update.effective_chat.id,
                districts=[d.slug for d in reading.districts],
            )
        )
    await reply(
        update, views.unsubscribed(_, [d for d in reading.districts if d.slug in removed], reading)
    )


async def remove_button(update: Update, context: Context) -> None:
    """Stop following the district on the tapped /mysubs button and refresh the list."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    district = context.services.gazetteer.get(query.data.split(":")[1])
    if district is None:
        await stale_button(update, context)
        return
    _resident, _ = await load_resident(update, context)
    async with context.services.database.transaction() as session:
        await residents.unsubscribe(
            session, chat_id=update.effective_chat.id, districts=[district.slug]
        )
    followed = _districts(context, await _followed(update, context))
    await query.answer(_.plain("Stopped {district}", district=district.display_name(_.language)))
    await edit(query, views.my_subscriptions(_, followed), keyboards.removals(_, followed))


async def choose_candidate(update: Update, context: Context) -> None:
    """Follow the district the resident chose from "did you mean" or "which one"."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    district = context.services.gazetteer.get(query.data.split(":")[1])
    if district is None:
        await stale_button(update, context)
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


async def show_settings(update: Update, context: Context) -> None:
    """Show the alert preferences with buttons to change them."""
    resident, _ = await load_resident(update, context)
    prefs = residents.preferences_of(resident) if resident else Preferences()
    await reply(update, views.settings_text(_, prefs), keyboards.settings(_, prefs))


async def change_setting(update: Update, context: Context) -> None:
    """Apply the setting on the tapped button and refresh the settings message."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    resident, _ = await load_resident(update, context)
    prefs = residents.preferences_of(resident) if resident else Preferences()
    updated = _apply_setting(prefs, query.data.split(":", 2)[1:])
    if updated is None:
        await stale_button(update, context)
        return
    if updated.kinds_mask == 0:
        await query.answer(
            _.plain(
                "Keep at least one kind of alert. To stop all alerts, use /unsubscribe or /delete."
            ),
            show_alert=True,
        )
        return
    async with context.services.database.transaction() as session:
        await residents.ensure_resident(
            session, chat_id=update.effective_chat.id, language=_.language
        )
        await residents.set_preferences(session, chat_id=update.effective_chat.id, prefs=updated)
    await query.answer(_.plain("Saved"))
    await edit(query, views.settings_text(_, updated), keyboards.settings(_, updated))


def _apply_setting(prefs: Preferences, parts: list[str]) -> Preferences | None:
    # Buttons carry the wanted end state, so applying the same one twice changes nothing.
    if len(parts) != 2:
        return None
    what, value = parts
    try:
        if what in ("k+", "k-"):
            bit = AlertKind(value).bit
            mask = prefs.kinds_mask | bit if what == "k+" else prefs.kinds_mask & ~bit
            return Preferences(mask, prefs.min_severity, prefs.quiet)
        if what == "sev":
            return Preferences(prefs.kinds_mask, Severity.from_code(value), prefs.quiet)
        if what == "q":
            if value == "off":
                return Preferences(prefs.kinds_mask, prefs.min_severity, None)
            start, end = (int(v) for v in value.split("-"))
            return Preferences(prefs.kinds_mask, prefs.min_severity, QuietHours(start, end))
    except ValueError:
        return None
    return None


async def set_quiet_hours(update: Update, context: Context) -> None:
    """Set quiet hours from text such as '/quiet 22-6' or '/quiet off'."""
    resident, _ = await load_resident(update, context)
    assert update.effective_chat is not None
    text = normalize_digits(argument_text(update)).strip().lower()
    prefs = residents.preferences_of(resident) if resident else Preferences()
    try:
        quiet = None if text in QUIET_OFF_WORDS else QuietHours.parse(text)
    except ValueError:
        await reply(
            update,
            _(
                "Please give two times, for example /quiet 22-6 or /quiet 21:30-05:30. /quiet off removes quiet hours."
            ),
        )
        return
    updated = Preferences(prefs.kinds_mask, prefs.min_severity, quiet)
    async with context.services.database.transaction() as session:
        await residents.ensure_resident(
            session, chat_id=update.effective_chat.id, language=_.language
        )
        await residents.set_preferences(session, chat_id=update.effective_chat.id, prefs=updated)
    await reply(update, views.settings_text(_, updated), keyboards.settings(_, updated))


async def my_data(update: Update, context: Context) -> None:
    """Show exactly what is stored about the chat."""
    resident, _ = await load_resident(update, context)
    if resident is None:
        await reply(update, _("Nothing is stored about this chat."))
        return
    followed = _districts(context, await _followed(update, context))
    await reply(
        update,
        views.my_data(
            _,
            resident.chat_id,
            resident.language,
            followed,
            residents.preferences_of(resident),
            resident.active,
        ),
    )


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
        deleted = await residents.delete_resident(session, chat_id=update.effective_chat.id)
    if deleted:
        await edit(
            query,
            _(
                "Deleted. Nothing about this chat is stored any more. Send /start if you want alerts again."
            ),
            None,
        )
    else:
        await edit(query, _("Nothing is stored about this chat."), None)


async def stale_button(update: Update, context: Context) -> None:
    """Answer a button that no longer means anything (an old message, an older version)."""
    query = update.callback_query
    assert query is not None
    _resident, _ = await load_resident(update, context)
    await query.answer(
        _.plain("This button is out of date. Please send the command again."), show_alert=True
    )


async def _followed(update: Update, context: Context) -> list[str]:
    assert update.effective_chat is not None
    async with context.services.database.transaction() as session:
        return await residents.list_subscriptions(session, chat_id=update.effective_chat.id)


def _districts(context: Context, slugs: list[str]) -> list[District]:
    # Slugs of districts a deployer removed from the gazetteer are skipped, not shown raw.
    gazetteer = context.services.gazetteer
    found = [gazetteer.get(slug) for slug in slugs]
    ordered = [d for d in found if d is not None]
    return sorted(ordered, key=lambda d: gazetteer.districts.index(d))

