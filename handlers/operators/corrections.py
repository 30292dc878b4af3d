"""Corrections are new alerts: /update KB-… with changed fields, /cancel KB-… with a reason."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update

from core.context import Context
from domain.alerts import AlertState, InvalidAlert, Outcome, TransitionRefused, parse_identifier
from domain.alerts.form import changes_from, fields_of, read_form
from handlers.common import argument_text, load_resident, reply
from handlers.operators.notify import ask_to_verify
from storage import alert_drafts, alert_queries, alerts
from views.alerts import render_alert
from views.operators import problem_lines


async def update_alert(update: Update, context: Context) -> None:
    """Create an update of a live alert from 'field: value' lines and send it for verification."""
    _resident, _ = await load_resident(update, context)
    assert update.effective_user is not None
    services = context.services
    reference_text, _sep, rest = argument_text(update).partition("\n")
    identifier = parse_identifier(reference_text)
    original = await _live(context, identifier)
    if identifier is None or original is None:
        await reply(
            update,
            _(
                "Send /update KB-2026-0042 followed by the changed fields on new lines, "
                "e.g.\n<code>/update KB-2026-0042\nheadline: N-25 reopened near Mastung</code>"
            ),
        )
        return
    fields, problems = read_form(rest)
    if not fields:
        current = "\n".join(
            f"{k}: {v}" for k, v in fields_of(original.content, services.settings.tz).items()
        )
        await reply(
            update,
            _(
                "Send the fields to change on the lines after the reference. Current "
                "values:\n<code>{fields}</code>",
                fields=current,
            ),
        )
        return
    changes, form_problems = changes_from(
        fields,
        gazetteer=services.gazetteer,
        now=datetime.now(UTC),
        tz=services.settings.tz,
        base=original.content,
    )
    if problems or form_problems:
        await reply(update, problem_lines(_, [*problems, *form_problems]))
        return
    try:
        async with services.database.transaction() as session:
            draft = await alert_drafts.create_update(
                session,
                original=original.identifier,
                by=update.effective_user.id,
                changes=changes,
                gazetteer=services.gazetteer,
            )
            result = await alerts.submit_alert(
                session,
                identifier=draft.identifier,
                by=update.effective_user.id,
                gazetteer=services.gazetteer,
            )
    except InvalidAlert as invalid:
        await reply(update, problem_lines(_, rules=invalid.problems))
        return
    except TransitionRefused:
        await reply(
            update,
            _(
                "{reference} is no longer active, so it cannot be updated.",
                reference=original.identifier,
            ),
        )
        return
    assert result.alert is not None
    rendered = render_alert(
        _, result.alert, gazetteer=services.gazetteer, tz=services.settings.tz, preview=True
    )
    reached = await ask_to_verify(context, result.alert)
    await reply(
        update,
        _(
            "📨 Update {reference} of {original} is waiting for a second operator ({count} "
            "asked):\n\n{alert}",
            reference=draft.identifier,
            original=original.identifier,
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
    original = await _live(context, identifier)
    if identifier is None or original is None or not reason:
        await reply(
            update,
            _(
                "Send /cancel with the reference and the reason, e.g. <code>/cancel KB-2026-0042 "
                "false report, the road is open</code>"
            ),
        )
        return
    try:
        async with context.services.database.transaction() as session:
            cancel = await alert_drafts.create_cancel(
                session, original=identifier, by=update.effective_user.id, reason=reason
            )
    except InvalidAlert as invalid:
        await reply(update, problem_lines(_, rules=invalid.problems))
        return
    except TransitionRefused as refused:
        if refused.outcome is Outcome.ORIGINAL_NOT_ACTIVE:
            await reply(
                update,
                _(
                    "{reference} is no longer active, so it cannot be updated.",
                    reference=identifier,
                ),
            )
            return
        raise
    reached = await ask_to_verify(context, cancel)
    await reply(
        update,
        _(
            "📨 Cancel {reference} of {original} is waiting for one tap from a second operator "
            "({count} asked).",
            reference=cancel.identifier,
            original=identifier,
            count=reached,
        ),
    )


async def _live(context: Context, identifier: str | None):  # type: ignore[no-untyped-def]
    if identifier is None:
        return None
    async with context.services.database.transaction() as session:
        alert = await alert_queries.get_alert(session, identifier=identifier)
    return alert if alert is not None and alert.state is AlertState.VERIFIED else None
