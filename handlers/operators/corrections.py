"""Corrections are new alerts: /update KB-… with changed fields, /cancel KB-… with a reason."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update

from core.context import Context, Services
from core.i18n import N_, Translator
from domain.alerts import Alert, AlertState, Outcome, TransitionRefused, parse_identifier
from domain.alerts.changes import changes_from, fields_of
from domain.alerts.form import read_form
from domain.alerts.lifecycle import Changes
from handlers.common import argument_text, load_resident, reply
from handlers.operators.notify import ask_to_verify
from usecases import alerts
from views.alerts import render_alert
from views.operators import problem_lines


async def update_alert(update: Update, context: Context) -> None:
    """Create an update of a live alert from 'field: value' lines and send it for verification."""
    _resident, _ = await load_resident(update, context)
    assert update.effective_user is not None
    services = context.services
    reference_text, _sep, rest = argument_text(update).partition("\n")
    original = await _correctable(update, context, parse_identifier(reference_text), _UPDATE_USAGE)
    if original is None:
        return
    changes = await _changes(update, _, services, original, rest)
    if changes is None:
        return
    result = await alerts.update(
        database=services.database,
        original=original.identifier,
        by=update.effective_user.id,
        changes=changes,
        gazetteer=services.gazetteer,
        now=datetime.now(UTC),
    )
    if result.problems:
        await reply(update, problem_lines(_, rules=result.problems))
    elif result.alert is None:
        await reply(update, _no_longer_active(_, original.identifier))
    else:
        await _ask_for_update(update, context, _, result.alert, original.identifier)


_UPDATE_USAGE = N_(
    "Send /update KB-2026-0042 followed by the changed fields on new lines, "
    "e.g.\n<code>/update KB-2026-0042\nheadline: N-25 reopened near Mastung</code>"
)
_CANCEL_USAGE = N_(
    "Send /cancel with the reference and the reason, e.g. <code>/cancel KB-2026-0042 "
    "false report, the road is open</code>"
)


async def _correctable(
    update: Update, context: Context, identifier: str | None, usage: str
) -> Alert | None:
    """The live alert a correction names; otherwise say why (closed, unknown) and give None."""
    original = await _live(context, identifier)
    if original is None and not await _explain_closed(update, context, identifier):
        _resident, _ = await load_resident(update, context)
        await reply(update, _(usage))
    return original


async def _changes(
    update: Update, _: Translator, services: Services, original: Alert, form: str
) -> Changes | None:
    """The changes an /update's lines ask for; None after telling the operator what is wrong."""
    fields, problems = read_form(form)
    if not fields:
        current = fields_of(original.content, services.settings.tz).items()
        text = _(
            "Send the fields to change on the lines after the reference. Current "
            "values:\n<code>{fields}</code>",
            fields="\n".join(f"{k}: {v}" for k, v in current),
        )
        await reply(update, text)
        return None
    changes, form_problems = changes_from(
        fields,
        gazetteer=services.gazetteer,
        now=datetime.now(UTC),
        tz=services.settings.tz,
        base=original.content,
    )
    if problems or form_problems:
        await reply(update, problem_lines(_, [*problems, *form_problems]))
        return None
    return changes


async def _ask_for_update(
    update: Update, context: Context, _: Translator, alert: Alert, original: str
) -> None:
    services = context.services
    rendered = render_alert(
        _, alert, gazetteer=services.gazetteer, tz=services.settings.tz, preview=True
    )
    reached = await ask_to_verify(context, alert)
    await reply(
        update,
        _(
            "📨 Update {reference} of {original} is waiting for a second operator ({count} "
            "asked):\n\n{alert}",
            reference=alert.identifier,
            original=original,
            count=reached,
            alert=rendered,
        ),
    )


async def cancel_alert(update: Update, context: Context) -> None:
    """Ask to withdraw a live alert: pending at once, approved by a second operator in one tap."""
    _resident, _ = await load_resident(update, context)
    assert update.effective_user is not None
    text = argument_text(update)
    parts = text.split(maxsplit=1)
    identifier = parse_identifier(parts[0]) if parts else None
    reason = parts[1].strip() if len(parts) > 1 else ""
    original = await _correctable(update, context, identifier, _CANCEL_USAGE)
    if identifier is None or original is None:
        return
    if not reason:
        await reply(update, _(_CANCEL_USAGE))
        return
    result = await alerts.cancel(
        database=context.services.database,
        original=identifier,
        by=update.effective_user.id,
        reason=reason,
        now=datetime.now(UTC),
    )
    if result.problems:
        await reply(update, problem_lines(_, rules=result.problems))
        return
    if result.outcome is Outcome.ORIGINAL_NOT_ACTIVE:
        await reply(update, _no_longer_active(_, identifier))
        return
    if result.alert is None:
        raise TransitionRefused(result.outcome or Outcome.NOT_FOUND)
    await _ask_for_cancel(update, context, _, result.alert, identifier)


async def _ask_for_cancel(
    update: Update, context: Context, _: Translator, cancel: Alert, original: str
) -> None:
    reached = await ask_to_verify(context, cancel)
    await reply(
        update,
        _(
            "📨 Cancel {reference} of {original} is waiting for one tap from a second operator "
            "({count} asked).",
            reference=cancel.identifier,
            original=original,
            count=reached,
        ),
    )


async def _live(context: Context, identifier: str | None) -> Alert | None:
    return await alerts.live_alert(database=context.services.database, identifier=identifier)


async def _explain_closed(update: Update, context: Context, identifier: str | None) -> bool:
    """Say why a closed alert cannot be corrected, and which one can; False if it is not closed."""
    if identifier is None:
        return False
    found = await alerts.find_alert(database=context.services.database, identifier=identifier)
    if found is None or found.closed_by_alert is None:
        return False
    _resident, _ = await load_resident(update, context)
    values = {"reference": identifier, "newer": found.closed_by_alert}
    if found.state is AlertState.SUPERSEDED:
        text = _("{reference} was superseded by {newer}: correct {newer} instead.", **values)
    elif found.state is AlertState.CANCELLED:
        text = _(
            "{reference} was cancelled by {newer}: there is nothing left to correct.", **values
        )
    else:
        return False
    await reply(update, text)
    return True


def _no_longer_active(_: Translator, reference: str) -> str:
    return _("{reference} is no longer active, so it cannot be updated.", reference=reference)
