"""The second person: /pending, Approve, and Reject with a reason that reaches the author."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from core.context import Context
from core.i18n import N_, Translator
from domain.alerts import Outcome
from domain.roles import Action, can
from handlers.access import role_of
from handlers.common import edit, load_resident, reply, stale_button
from handlers.operators.notify import (
    CB_VERIFY,
    close_requests,
    pending_text,
    tell,
    verify_keyboard,
)
from storage.sessions import Flow
from usecases import alerts
from usecases.alerts import REJECT
from views.operators import problem_lines

log = logging.getLogger(__name__)
REFUSALS = {
    Outcome.OWN_ALERT: N_("You wrote this alert: a second operator must verify it."),
    Outcome.ALREADY_VERIFIED: N_("This alert is already verified."),
    Outcome.ALREADY_REJECTED: N_("This alert was already rejected."),
    Outcome.EXPIRED: N_("This alert expired before it was verified."),
    Outcome.ORIGINAL_NOT_ACTIVE: N_("The alert it corrects is no longer active."),
    Outcome.NOT_SUBMITTED: N_("This alert has not been submitted."),
}


async def show_pending(update: Update, context: Context) -> None:
    """List the alerts waiting for verification, each with its buttons (cancels first)."""
    assert update.effective_user is not None
    _resident, _ = await load_resident(update, context)
    waiting = await alerts.pending(database=context.services.database, limit=10)
    if not waiting:
        await reply(update, _("Nothing is waiting for verification."))
        return
    for alert in waiting:
        own = alert.author_id == update.effective_user.id  # listed, but not theirs to approve
        await reply(
            update, pending_text(_, context, alert, own=own), verify_keyboard(_, alert, own=own)
        )


async def verification_button(update: Update, context: Context) -> None:
    """Approve at once, or ask for the reason of a rejection."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    _resident, _ = await load_resident(update, context)
    _prefix, decision, identifier = query.data.split(":", 2)
    if decision == "ok":
        await _approve(update, context, _, identifier)
        return
    asked = await alerts.ask_for_reason(
        database=context.services.database, identifier=identifier, by=update.effective_user.id
    )
    if not asked:
        await stale_button(update, context)
        return
    await query.answer()
    await reply(
        update,
        _(
            "Send the reason for rejecting {reference}. Its author will read it.",
            reference=identifier,
        ),
    )


async def _approve(update: Update, context: Context, _: Translator, identifier: str) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    verifier = update.effective_user.id
    result = await alerts.approve(
        database=context.services.database,
        identifier=identifier,
        by=verifier,
        now=datetime.now(UTC),
    )
    if result.outcome is Outcome.NOT_FOUND or result.alert is None:
        await stale_button(update, context)
        return
    if not result.done:
        await query.answer(
            _.plain(_refusal(result.outcome, N_("This alert cannot be verified now."))),
            show_alert=True,
        )
        return
    await query.answer(_.plain("Verified"))
    # Delivery first: a failed confirmation edit (a 5xx) must not hold the alert back.
    await after_verification(context, identifier)
    try:
        await edit(
            query,
            _("✅ You verified {reference}. Delivery is starting.", reference=identifier),
            None,
        )
    except TelegramError as exc:
        log.warning("could not confirm verification of %s: %s", identifier, exc.message)
    await tell(
        context,
        [result.alert.author_id],
        N_("✅ {reference} was verified by operator {verifier} and is being sent."),
        reference=identifier,
        verifier=verifier,
    )
    tapped = (query.message.chat.id, query.message.message_id) if query.message else None
    await close_requests(context, result.alert, result.requests, besides=tapped)


async def after_verification(context: Context, identifier: str) -> None:
    """Hand a verified alert on: every hook (the delivery engine's wake-up) hears of it."""
    for hook in context.services.verified_hooks:
        await hook(identifier)


async def reason_text(update: Update, context: Context, flow: Flow) -> None:
    """The typed reason of a rejection: reject, and tell the author why."""
    message = update.effective_message
    assert message is not None and message.text is not None and update.effective_user is not None
    _resident, _ = await load_resident(update, context)
    if not can(await role_of(update, context), Action.VERIFY):
        return  # lost the role meanwhile: the text is an ordinary message again
    identifier = str(flow.data.get("identifier", ""))
    result = await alerts.reject(
        database=context.services.database,
        identifier=identifier,
        by=update.effective_user.id,
        reason=message.text,
        now=datetime.now(UTC),
    )
    if result.problems:
        await reply(update, problem_lines(_, rules=result.problems))
        raise ApplicationHandlerStop
    if not result.done or result.alert is None:
        await reply(update, _(_refusal(result.outcome, N_("This alert cannot be rejected now."))))
        raise ApplicationHandlerStop
    await reply(
        update, _("❌ {reference} rejected. Its author has been told why.", reference=identifier)
    )
    await tell(
        context,
        [result.alert.author_id],
        N_("❌ {reference} was rejected by operator {verifier}: {reason}"),
        reference=identifier,
        verifier=update.effective_user.id,
        reason=message.text.strip(),
    )
    await close_requests(context, result.alert, result.requests)
    raise ApplicationHandlerStop


def _refusal(outcome: Outcome | None, otherwise: str) -> str:
    return REFUSALS.get(outcome, otherwise) if outcome is not None else otherwise


__all__ = ["CB_VERIFY", "REJECT", "reason_text", "show_pending", "verification_button"]
