"""What every chat gets when nothing else matched, and the global error handler."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from core.context import Context, KhabardarApp
from core.errors import database_reason, database_weather
from handlers.common import load_resident, reply, stale_button

log = logging.getLogger(__name__)


def register(app: KhabardarApp) -> None:
    """Catch-alls; registered last so every real handler is tried first."""
    app.add_handlers(
        [
            MessageHandler(filters.COMMAND, unknown_command),
            MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, not_text),
            CallbackQueryHandler(stale_button),
        ]
    )
    app.add_error_handler(on_error)


async def unknown_command(update: Update, context: Context) -> None:
    """Say the command is unknown and point to /help."""
    _resident, _ = await load_resident(update, context)
    await reply(update, _("I don't know that command. Send /help to see what I can do."))


async def not_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice notes: say politely that only text is understood."""
    _resident, _ = await load_resident(update, context)
    await reply(update, _("I can only read text. Send the name of a district or town, or /help."))


async def on_error(update: object, context: Context) -> None:
    """Log the failure (never message contents) and apologise to the chat if there is one."""
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, NetworkError):
        # Telegram or the network failed, not our code: one line, no traceback.
        context.services.metrics.network_errors.labels(where="handler").inc()
        # Only the first line: PTB's message can carry the whole HTML body of a proxy's 5xx.
        reason = str(context.error).split(". Parsing the server response", 1)[0][:200]
        log.warning("network error for update %s: %s", update_id, reason)
    elif database_weather(context.error):
        context.services.metrics.database_errors.labels(where="handler").inc()
        log.warning("database error for update %s: %s", update_id, database_reason(context.error))
    else:
        context.services.metrics.handler_errors.inc()
        log.error("handler failed for update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        _resident, _ = await load_resident(update, context)
        if update.callback_query is not None:
            await update.callback_query.answer(
                _.plain("Sorry, something went wrong. Please try again."), show_alert=True
            )
        else:
            await reply(
                update, _("Sorry, something went wrong on our side. Please try again in a moment.")
            )
    except Exception:
        # The apology is best effort: the database or Telegram may be what failed.
        log.exception("could not apologise for update %s", update_id)
