"""NGO staff commands: /status, /overview, /history, /map."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from core.context import Context, KhabardarApp
from domain import status as summaries
from domain.gazetteer import District, ResolutionKind, normalize_digits
from domain.roles import Action, can
from handlers.access import requires, role_of
from handlers.common import argument_text, load_resident, reply, stale_button
from usecases import status
from views import channels as channel_views
from views import history as history_views
from views import residents as views
from views import staff as staff_views
from views.map import render_situation
from views.sms import shutdown_line
from views.status_reply import status_reply

log = logging.getLogger(__name__)
DEFAULT_HISTORY_DAYS = 7
_RESOLVED = (ResolutionKind.DISTRICT, ResolutionKind.TOWN, ResolutionKind.CORRECTED)


def register(app: KhabardarApp) -> None:
    """Add the staff handlers; /status answers everyone, staff in full, residents briefly."""
    staff = requires(Action.VIEW_STATUS)
    app.add_handlers(
        [
            CommandHandler("status", show_status),
            CommandHandler("overview", staff(show_overview)),
            CommandHandler("history", staff(show_history)),
            CommandHandler("map", staff(send_map)),
            CallbackQueryHandler(status_chosen, pattern=rf"^{staff_views.CB_STATUS}:[\w-]+$"),
            CallbackQueryHandler(
                staff(history_chosen), pattern=rf"^{staff_views.CB_HISTORY}:[\w-]+:\d+$"
            ),
        ]
    )


async def show_status(update: Update, context: Context) -> None:
    """The situation in a district: in full for the team, active alerts only for residents."""
    _resident, _ = await load_resident(update, context)
    text = normalize_digits(argument_text(update))
    if not text:
        await reply(update, staff_views.status_usage(_))
        return
    district = await _district_named(update, context, text, prefix=staff_views.CB_STATUS)
    if district is not None:
        await reply(update, await _status_text(update, context, district))


async def status_chosen(update: Update, context: Context) -> None:
    """The district tapped after an ambiguous /status name."""
    query = update.callback_query
    assert query is not None and query.data is not None
    district = context.services.gazetteer.get(query.data.split(":")[1])
    if district is None:
        await stale_button(update, context)
        return
    await query.answer()
    await reply(update, await _status_text(update, context, district))


async def show_overview(update: Update, context: Context) -> None:
    """The province by division and district."""
    _resident, _ = await load_resident(update, context)
    services = context.services
    report = await status.overview(
        database=services.database,
        gazetteer=services.gazetteer,
        now=datetime.now(UTC),
        stale_after=_stale_after(context),
    )
    text = staff_views.overview(
        _, report.overview, gazetteer=services.gazetteer, tz=services.settings.tz
    )
    channels = channel_views.status_lines(_, report.channels, overview=True)
    line = shutdown_line(_, report.shutdowns, gazetteer=services.gazetteer)
    extra = [x for x in (channels, line) if x]
    await reply(update, "\n\n".join([text, *extra]))


async def show_history(update: Update, context: Context) -> None:
    """What was published about a district in the last days (7 unless given)."""
    _resident, _ = await load_resident(update, context)
    words = normalize_digits(argument_text(update)).split()
    days = DEFAULT_HISTORY_DAYS
    if words and words[-1].isdigit():
        days = max(1, min(int(words.pop()), summaries.MAX_HISTORY_DAYS))
    if not words:
        await reply(update, history_views.history_usage(_))
        return
    district = await _district_named(
        update, context, " ".join(words), prefix=staff_views.CB_HISTORY, suffix=f":{days}"
    )
    if district is not None:
        await reply(update, await _history_text(update, context, district, days))


async def history_chosen(update: Update, context: Context) -> None:
    """The district tapped after an ambiguous /history name."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _prefix, slug, days = query.data.split(":")
    district = context.services.gazetteer.get(slug)
    if district is None:
        await stale_button(update, context)
        return
    await query.answer()
    days_asked = max(1, min(int(days), summaries.MAX_HISTORY_DAYS))
    await reply(update, await _history_text(update, context, district, days_asked))


async def send_map(update: Update, context: Context) -> None:
    """A picture of the province coloured by each district's highest active severity."""
    _resident, _ = await load_resident(update, context)
    services, now = context.services, datetime.now(UTC)
    view = await status.map_view(database=services.database, now=now)
    # Drawing takes a tenth of a second or more: off the event loop, so other chats wait less.
    png = await asyncio.to_thread(
        render_situation,
        services.gazetteer,
        view.highest,
        view.suspended,
        _,
        now=now,
        tz=services.settings.tz,
    )
    message = update.effective_message
    assert message is not None
    await message.reply_photo(
        png,
        caption=staff_views.map_caption(_, view.highest, now=now, tz=services.settings.tz),
        do_quote=False,
    )


async def _district_named(
    update: Update, context: Context, text: str, *, prefix: str, suffix: str = ""
) -> District | None:
    """The one district a name means; otherwise ask which (buttons) or say it is unknown."""
    _resident, _ = await load_resident(update, context)
    resolution = context.services.gazetteer.resolve(text)
    if resolution.district is not None and resolution.kind in _RESOLVED:
        if resolution.kind is not ResolutionKind.DISTRICT:
            await reply(update, views.explanation(_, resolution))
        return resolution.district
    if resolution.candidates:
        if resolution.kind is ResolutionKind.AMBIGUOUS:
            question = _(
                "❓ There is a “{place}” in more than one district. Which one do you mean?",
                place=resolution.query,
            )
        else:
            question = _(
                "❓ I don't know “{place}”. Did you mean one of these?", place=resolution.query
            )
        keyboard = staff_views.choose_district(
            _, resolution.candidates, prefix=prefix, suffix=suffix
        )
        await reply(update, question, keyboard)
        return None
    await reply(
        update,
        _("🤷 I don't know a place called “{place}” in Balochistan.", place=resolution.query),
    )
    return None


async def _status_text(update: Update, context: Context, district: District) -> str:
    _resident, _ = await load_resident(update, context)
    services = context.services
    report = await status.district_status(
        database=services.database,
        gazetteer=services.gazetteer,
        district=district.slug,
        now=datetime.now(UTC),
        stale_after=_stale_after(context),
        count_subscribers=can(await role_of(update, context), Action.VIEW_STATUS),
    )
    return status_reply(
        _,
        report,
        gazetteer=services.gazetteer,
        tz=services.settings.tz,
        reached=services.metrics.telegram_reached_at,
    )


async def _history_text(update: Update, context: Context, district: District, days: int) -> str:
    _resident, _ = await load_resident(update, context)
    services = context.services
    found = await status.history(
        database=services.database, district=district.slug, days=days, now=datetime.now(UTC)
    )
    return history_views.history(
        _,
        district,
        found.alerts,
        since=found.since.astimezone(services.settings.tz),
        tz=services.settings.tz,
    )


def _stale_after(context: Context) -> timedelta:
    return timedelta(hours=context.services.settings.stale_after_hours)
