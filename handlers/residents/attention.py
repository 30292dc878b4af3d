"""The "I'm safe" button under delivered alerts: the alert's updates arrive silently."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update

from core.context import Context
from domain.checkins import Answer
from handlers.common import asker, load_resident, stale_button
from usecases.attention import mute_updates
from views.alerts import local_time
from views.checkins import thanks


async def mute_alert_updates(update: Update, context: Context) -> None:
    """Send the updates of the alert under which the button was tapped silently for an hour."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    _resident, _ = await load_resident(update, context)
    who = await asker(update, context)
    if who.resident is None and who.role is None:
        # An old copy in a chat that used /delete: muting must not store anything again.
        await query.answer(
            _.plain("Nothing is stored for this chat any more. Send /start to subscribe again."),
            show_alert=True,
        )
        return
    identifier = query.data.split(":", 1)[1]
    now = datetime.now(UTC)
    muted = await mute_updates(
        database=context.services.database,
        chat_id=update.effective_chat.id,
        identifier=identifier,
        now=now,
    )
    if muted is None:
        await stale_button(update, context)
        return
    until = local_time(_, muted.until, context.services.settings.tz, now=now)
    text = _.plain(
        "🔕 Updates of {reference} will arrive silently until {time}. Cancellations and "
        "Extreme updates still ring.",
        reference=identifier,
        time=until,
    )
    if muted.safe:
        text = thanks(_, Answer.SAFE, changed=False) + "\n" + text
    await query.answer(text)
