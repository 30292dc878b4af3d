"""Messages to team members: alerts waiting for them, and what became of their own alerts."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from core.context import Context
from core.i18n import Translator
from domain.alerts import SYSTEM_AUTHOR, Alert, MsgType
from domain.roles import Role
from storage import residents, team
from storage.verification_requests import Request
from usecases import alerts
from usecases.sms import SmsCost, sms_cost
from views.alerts import render_alert
from views.operators import decided_notice, pending_notice
from views.sms import render_sms, sms_cost_line

log = logging.getLogger(__name__)
CB_VERIFY = "vf"  # vf:ok:<identifier> | vf:no:<identifier>


async def translator_for(context: Context, user_id: int) -> Translator:
    """A team member's language: the one they chose in the bot, else the default."""
    async with context.services.database.read() as session:
        resident = await residents.get_resident(session, chat_id=user_id)
    return context.translator(resident.language if resident else None)


def verify_keyboard(_: Translator, alert: Alert, *, own: bool = False) -> InlineKeyboardMarkup:
    """Approve and reject; a cancel is one tap, so approving it comes first and alone on top.
    Its author (own) gets no Approve, only Reject: the way to withdraw it."""
    approve = (
        _.plain("✅ Approve cancel") if alert.msg_type is MsgType.CANCEL else _.plain("✅ Approve")
    )
    ok, no = f"{CB_VERIFY}:ok:{alert.identifier}", f"{CB_VERIFY}:no:{alert.identifier}"
    reject = [InlineKeyboardButton(_.plain("❌ Reject"), callback_data=no)]
    if own:
        return InlineKeyboardMarkup([reject])
    return InlineKeyboardMarkup([[InlineKeyboardButton(approve, callback_data=ok)], reject])


async def verifiers(context: Context, *, besides: int) -> list[int]:
    """Everyone who may verify: operators and admins, except the given person."""
    async with context.services.database.read() as session:
        operators = await team.list_team(session, role=Role.OPERATOR)
    ids = {m.user_id for m in operators} | set(context.services.settings.admin_ids)
    return sorted(ids - {besides})


def pending_text(_: Translator, context: Context, alert: Alert, *, own: bool = False) -> str:
    """The verification request: who wrote it and the alert exactly as residents will read it."""
    services = context.services
    rendered = render_alert(
        _, alert, gazetteer=services.gazetteer, tz=services.settings.tz, preview=True
    )
    return pending_notice(_, alert, rendered, own=own)


async def ask_to_verify(context: Context, alert: Alert) -> int:
    """Send the pending alert to every possible verifier, remembering each request message so
    the decision can close it; returns how many were reached."""
    sent: list[Request] = []
    cost = await _sms_cost(context, alert)
    for user_id in await verifiers(context, besides=alert.author_id):
        _ = await translator_for(context, user_id)
        text, markup = pending_text(_, context, alert), verify_keyboard(_, alert)
        if cost is not None:
            text += "\n\n" + sms_cost_line(_, cost.messages, cost.segments)
        try:
            message = await context.bot.send_message(user_id, text, reply_markup=markup)
        except TelegramError as exc:
            log.warning("could not reach team member %s: %s", user_id, exc.message)
            continue
        sent.append((user_id, message.message_id))
    await alerts.remember_requests(
        database=context.services.database, identifier=alert.identifier, sent=sent
    )
    return len(sent)


async def close_requests(
    context: Context, alert: Alert, requests: Iterable[Request], *, besides: Request | None = None
) -> None:
    """Edit every verification request of a decided alert to say who decided it and when,
    without buttons. A request that cannot be edited (deleted, a passing error) stays as it
    is: its buttons answer that the alert was already decided."""
    tz = context.services.settings.tz
    for chat_id, message_id in requests:
        if (chat_id, message_id) == besides:
            continue  # the decider's own message already says what they did
        _ = await translator_for(context, chat_id)
        try:
            await context.bot.edit_message_text(
                decided_notice(_, alert, tz), chat_id=chat_id, message_id=message_id
            )
        except TelegramError as exc:
            log.warning("could not close the request in chat %s: %s", chat_id, exc.message)


async def _sms_cost(context: Context, alert: Alert) -> SmsCost | None:
    """What approving will send by SMS (None when SMS is off): a decision, so it is shown."""
    services = context.services
    if not services.settings.sms_enabled:
        return None

    def render(language: str) -> str:
        return render_sms(context.translator(language), alert, gazetteer=services.gazetteer)

    return await sms_cost(
        database=services.database,
        alert=alert,
        extreme_always=services.settings.sms_extreme_always,
        render=render,
    )


async def tell(context: Context, user_ids: Iterable[int], message: str, **values: object) -> None:
    """Send one catalog message to several team members, each in their own language."""
    for user_id in user_ids:
        if user_id == SYSTEM_AUTHOR:
            continue  # an imported alert's "author" is the system: there is no chat to tell
        _ = await translator_for(context, user_id)
        await send_quietly(context, user_id, _(message, **values))


async def send_quietly(
    context: Context, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> int:
    """Send, logging instead of failing when a team member has not started the bot."""
    try:
        await context.bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramError as exc:
        log.warning("could not reach team member %s: %s", chat_id, exc.message)
        return 0
    return 1
