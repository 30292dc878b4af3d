"""The daily all-quiet note: one short line to residents who asked, sent after everything else."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import cast

from telegram.error import BadRequest, Forbidden, TelegramError

from core.context import Context, KhabardarApp
from delivery.limiter import sending_as
from domain.delivery.rules import Priority
from storage import delivery_upkeep
from usecases.checkins import due_quiet_notes, quiet_note_failed
from views.checkins import quiet_note

log = logging.getLogger(__name__)


async def quiet_note_tick(context: Context) -> None:
    """Send the notes due now (a JobQueue tick)."""
    # PTB types the context's application generically; it is this bot's own.
    await send_quiet_notes(cast(KhabardarApp, context.application), now=datetime.now(UTC))


async def send_quiet_notes(app: KhabardarApp, *, now: datetime) -> int:
    """Send every all-quiet note due at `now` at the lowest priority; returns how many went."""
    services = app.bot_data.services
    notes = await due_quiet_notes(database=services.database, now=now, tz=services.settings.tz)
    sent = 0
    for note in notes:
        _ = services.catalogs.get(note.language)
        districts = [d for d in map(services.gazetteer.get, note.districts) if d is not None]
        if not districts:
            continue
        try:
            with sending_as(Priority.HEARTBEAT):
                await app.bot.send_message(note.chat_id, quiet_note(_, districts))
            sent += 1
        except Forbidden as exc:  # blocked or gone: nothing more goes there
            log.info("quiet note not delivered: %s", exc.message)
            async with services.database.transaction() as session:
                await delivery_upkeep.deactivate_chats(session, chat_ids=[note.chat_id])
        except BadRequest as exc:  # retrying the same request cannot help; today's is done
            log.warning("quiet note refused: %s", exc.message)
        except TelegramError as exc:  # a network fault or 429: try again at the next tick
            log.info("quiet note postponed: %s", exc.message)
            await quiet_note_failed(database=services.database, chat_id=note.chat_id)
    if sent:
        services.metrics.messages_sent.labels("quiet_note").inc(sent)
    return sent
