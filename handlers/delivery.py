"""Operators' delivery reports: /report KB-2026-0042."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import CommandHandler

from core.context import Context, KhabardarApp
from delivery.progress import load_report, pace_of
from domain.alerts import parse_identifier
from domain.roles import Action
from handlers.access import requires
from handlers.common import argument_text, load_resident, reply
from usecases.checkins import checkin_counts
from views.checkins import checkins_block
from views.delivery import Progress, render_report


async def report(update: Update, context: Context) -> None:
    """Show where an alert's fan-out stands, or its final report."""
    _resident, _ = await load_resident(update, context)
    identifier = parse_identifier(argument_text(update))
    if identifier is None:
        await reply(update, _("Send /report with an alert reference, e.g. /report KB-2026-0042."))
        return
    found = await load_report(context.services, identifier)
    if found is None:
        await reply(update, _("There is no alert {reference}.", reference=identifier))
        return
    alert, counts = found
    if alert.verified_at is None:
        await reply(
            update, _("{reference} was never verified, so it was not sent.", reference=identifier)
        )
        return
    progress = Progress(
        counts, datetime.now(UTC), pace_of(context.services, context.bot.rate_limiter)
    )
    answers = await checkin_counts(database=context.services.database, references=[identifier])
    block = checkins_block(_, answers, gazetteer=context.services.gazetteer)
    text = render_report(_, alert, progress, tz=context.services.settings.tz)
    await reply(update, "\n".join([text, *block]))


def register(app: KhabardarApp) -> None:
    """Add the operators' delivery commands."""
    app.add_handler(CommandHandler("report", requires(Action.VIEW_ALERTS)(report)))
