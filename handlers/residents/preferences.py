"""Residents' alert preferences: /settings and /quiet."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from telegram import Update

from core.context import Context, KhabardarApp
from delivery.wiring import wake_dispatch
from domain.alerts import AlertKind, Severity
from domain.delivery.rules import local_minute
from domain.gazetteer import normalize_digits
from domain.preferences import Preferences, QuietHours
from handlers.common import argument_text, edit, load_resident, reply, stale_button
from handlers.residents.channels import offer_channels
from storage import delivery_upkeep, residents
from views.checkins import settings_screen

QUIET_OFF_WORDS = frozenset({"off", "none", "no", "0", "بند", "ختم", "نہیں"})


async def show_settings(update: Update, context: Context) -> None:
    """Show the alert preferences with buttons to change them."""
    resident, _ = await load_resident(update, context)
    if resident is None:
        # Asking for settings is the consent to keep them; their buttons then need the record.
        assert update.effective_chat is not None
        async with context.services.database.transaction() as session:
            await residents.ensure_resident(
                session, chat_id=update.effective_chat.id, language=_.language
            )
    prefs = residents.preferences_of(resident) if resident else Preferences()
    minute = resident.heartbeat_minute if resident else None
    await reply(update, *settings_screen(_, prefs, minute))
    assert update.effective_chat is not None
    async with context.services.database.read() as session:
        followed = await residents.list_subscriptions(session, chat_id=update.effective_chat.id)
    await offer_channels(update, context, _, followed, channel_only=True)


async def change_setting(update: Update, context: Context) -> None:
    """Apply the setting on the tapped button and refresh the settings message."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    resident, _ = await load_resident(update, context)
    prefs = residents.preferences_of(resident) if resident else Preferences()
    updated = _apply_setting(prefs, query.data.split(":", 2)[1:])
    if updated is not None and resident is None:
        # A button of a /settings message from before /delete: nothing may bring the record back.
        await query.answer(
            _.plain("Nothing is stored for this chat any more. Send /start to subscribe again."),
            show_alert=True,
        )
        return
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
    await _release_if_no_longer_quiet(context, update.effective_chat.id)
    await query.answer(_.plain("Saved"))
    assert resident is not None
    await edit(query, *settings_screen(_, updated, resident.heartbeat_minute))


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
                "Please give two times, for example /quiet 22-6 or /quiet 21:30-05:30. "
                "/quiet off removes quiet hours."
            ),
        )
        return
    updated = Preferences(prefs.kinds_mask, prefs.min_severity, quiet)
    async with context.services.database.transaction() as session:
        await residents.ensure_resident(
            session, chat_id=update.effective_chat.id, language=_.language
        )
        await residents.set_preferences(session, chat_id=update.effective_chat.id, prefs=updated)
    await _release_if_no_longer_quiet(context, update.effective_chat.id)
    minute = resident.heartbeat_minute if resident else None
    await reply(update, *settings_screen(_, updated, minute))


async def _release_if_no_longer_quiet(context: Context, chat_id: int) -> None:
    """Hours that ended (or no longer cover now) release held alerts now, not at the next tick."""
    minute = local_minute(datetime.now(UTC), context.services.settings.tz)
    async with context.services.database.transaction() as session:
        released = await delivery_upkeep.release_held_for_chat(
            session, chat_id=chat_id, minute=minute
        )
    if released:
        # PTB types the context's application generically; it is this bot's own.
        wake_dispatch(cast(KhabardarApp, context.application))
