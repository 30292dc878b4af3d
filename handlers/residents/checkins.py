"""Check-in taps under alerts, and the daily all-quiet note (/allquiet, /settings buttons)."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update

from core.context import Context
from domain.checkins import Answer, Refusal, TapBudget, parse_note_time
from handlers.common import argument_text, load_resident, reply, stale_button
from usecases.checkins import check_in, set_quiet_note
from views import checkins as views


class CheckinButtons:
    """The check-in callback, with the per-chat budget that turns a flood of taps away."""

    def __init__(self, budget: TapBudget | None = None) -> None:
        self.budget = budget or TapBudget()

    async def __call__(self, update: Update, context: Context) -> None:
        """Record the tapped answer for the alert and district; thank the resident."""
        query = update.callback_query
        assert query is not None and query.data is not None and update.effective_chat is not None
        _resident, _ = await load_resident(update, context)
        _prefix, reference, value = query.data.split(":", 2)
        chat_id = update.effective_chat.id
        now = datetime.now(UTC)
        user = update.effective_user
        if not self.budget.allow(user.id if user else chat_id, now):
            await query.answer(views.too_many_taps(_), show_alert=True)
            return
        if user is not None and user.id != chat_id:  # a group: only its own resident answers
            await query.answer(views.refused(_, Refusal.NOT_RECIPIENT), show_alert=True)
            return
        outcome = await check_in(
            database=context.services.database,
            reference=reference,
            chat_id=chat_id,
            answer=Answer(value),
            now=now,
        )
        if outcome.refused is not None:
            await query.answer(views.refused(_, outcome.refused), show_alert=True)
            return
        assert outcome.answer is not None
        await query.answer(views.thanks(_, outcome.answer, changed=outcome.changed))
        if outcome.answer is Answer.HELP:
            district = context.services.gazetteer.get(outcome.district or "")
            numbers = district.emergency if district else ()
            await reply(update, views.need_help(_, district, numbers))


async def set_quiet_note_time(update: Update, context: Context) -> None:
    """Set the daily all-quiet note from '/allquiet 08:00' (Urdu digits too) or '/allquiet off'."""
    _resident, _ = await load_resident(update, context)
    assert update.effective_chat is not None
    try:
        minute = parse_note_time(argument_text(update))
    except ValueError:
        await reply(update, views.quiet_note_usage(_))
        return
    await _save(update, context, minute)


async def quiet_note_chosen(update: Update, context: Context) -> None:
    """A preset time (or off) tapped in /settings."""
    query = update.callback_query
    assert query is not None and query.data is not None
    resident, _ = await load_resident(update, context)
    value = query.data.split(":", 1)[1]
    if resident is None or not (value == "off" or (value.isdigit() and int(value) < 24 * 60)):
        await stale_button(update, context)  # a /settings message from before /delete
        return
    await query.answer(_.plain("Saved"))
    await _save(update, context, None if value == "off" else int(value))


async def _save(update: Update, context: Context, minute: int | None) -> None:
    _resident, _ = await load_resident(update, context)
    assert update.effective_chat is not None
    services = context.services
    await set_quiet_note(
        database=services.database,
        chat_id=update.effective_chat.id,
        language=_.language,
        minute=minute,
        now=datetime.now(UTC),
        tz=services.settings.tz,
    )
    await reply(update, views.quiet_note_saved(_, minute))
