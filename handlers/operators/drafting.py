"""Operators writing alerts: /newalert as a step-by-step wizard or as one form message."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ApplicationHandlerStop

from core.context import Context
from core.i18n import Translator
from domain.alerts import Alert, validate_draft
from domain.alerts import new_alert as draft_alert
from domain.alerts.form import FormIssue, FormProblem, build_content, looks_like_form, read_form
from domain.gazetteer import Gazetteer
from handlers.common import argument_text, edit, load_resident, reply, stale_button
from handlers.operators.notify import ask_to_verify
from handlers.operators.wizard import (
    CHOICES,
    PREVIEW,
    TEXT_STEPS,
    WIZARD_NS,
    complete_form,
    next_step,
    read_figures,
    step_keyboard,
)
from storage import sessions
from storage.sessions import Flow
from usecases import alerts
from views import keyboards
from views.alerts import render_alert
from views.operators import PROMPTS, preview_heading, problem_lines

NEW = "new"
PLACEHOLDER_REFERENCE = "KB-…"


async def new_alert(update: Update, context: Context) -> None:
    """Start the wizard, or read the whole alert from the form lines after the command."""
    _resident, _ = await load_resident(update, context)
    text = argument_text(update)
    fields: dict[str, str] = {}
    problems: list[FormProblem] = []
    if text:
        typed, problems = read_form(text)
        fields = complete_form(typed)
    if problems:
        await reply(update, problem_lines(_, problems))
    await _show(update, context, _, Flow(NEW, next_step(fields), fields), fresh=True)


async def wizard_button(update: Update, context: Context) -> None:
    """A wizard button: set a field, open the district list, submit or abandon."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    _resident, _ = await load_resident(update, context)
    flow = await _flow(context, update.effective_user.id)
    parts = query.data.split(":", 3)
    if flow is None or flow.name != NEW:
        await stale_button(update, context)
        return
    if parts[1] == "x":
        await _clear(context, update.effective_user.id)
        await query.answer()
        await edit(query, _("Draft abandoned. Nothing was sent."), None)
        return
    if parts[1] == "go":
        await _submit(update, context, _, flow)
        return
    if parts[1] == "list":
        await query.answer()
        chosen = [s for s in flow.data.get("districts", "").split(", ") if s]
        await edit(
            query,
            _(PROMPTS["districts"]),
            keyboards.divisions(_, context.services.gazetteer, chosen, ns=WIZARD_NS),
        )
        return
    field, value = (parts[2], parts[3]) if len(parts) == 4 else ("", "")
    if field not in CHOICES or value not in {v for v, _label in CHOICES[field]}:
        await stale_button(update, context)
        return
    await query.answer()
    fields = {**flow.data, field: value}
    await _show(update, context, _, Flow(NEW, next_step(fields), fields))


async def wizard_districts(update: Update, context: Context) -> None:
    """The district picker inside the wizard: open a division, tick districts, done."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    _resident, _ = await load_resident(update, context)
    flow = await _flow(context, update.effective_user.id)
    if flow is None or flow.name != NEW:
        await stale_button(update, context)
        return
    gazetteer = context.services.gazetteer
    chosen = [s for s in flow.data.get("districts", "").split(", ") if s]
    action, _sep, arg = query.data.removeprefix(WIZARD_NS).partition(":")
    if action == keyboards.CB_DONE:
        await _districts_chosen(update, context, _, flow, chosen)
        return
    ticked = _ticked(gazetteer, action, arg, chosen)
    if ticked is not None:
        chosen = ticked
        fields = {**flow.data, "districts": ", ".join(chosen)}
        await _store(context, update.effective_user.id, Flow(NEW, "districts", fields))
    markup = _picker(_, gazetteer, action, arg, chosen)
    if markup is None:
        await stale_button(update, context)
        return
    await query.answer()
    await edit(query, _(PROMPTS["districts"]), markup)


def _ticked(gazetteer: Gazetteer, action: str, arg: str, chosen: list[str]) -> list[str] | None:
    """The chosen districts after a tick or untick button; None for any other button."""
    if action not in (keyboards.CB_ON, keyboards.CB_OFF) or gazetteer.get(arg) is None:
        return None
    return [s for s in chosen if s != arg] + ([arg] if action == keyboards.CB_ON else [])


def _picker(
    _: Translator, gazetteer: Gazetteer, action: str, arg: str, chosen: list[str]
) -> InlineKeyboardMarkup | None:
    """The picker page a button leads to; None for a button this picker never made."""
    district = gazetteer.get(arg) if action in (keyboards.CB_ON, keyboards.CB_OFF) else None
    if district is not None:
        division = district.division
    elif action == keyboards.CB_DIVISION and arg.isdigit() and int(arg) < len(gazetteer.divisions):
        division = gazetteer.divisions[int(arg)]
    elif action == keyboards.CB_DIVISIONS:
        return keyboards.divisions(_, gazetteer, chosen, ns=WIZARD_NS)
    else:
        return None
    return keyboards.districts(_, gazetteer.districts_in(division), chosen, ns=WIZARD_NS)


async def _districts_chosen(
    update: Update, context: Context, _: Translator, flow: Flow, chosen: list[str]
) -> None:
    query = update.callback_query
    assert query is not None
    if not chosen:
        await query.answer(_.plain("Choose at least one district."), show_alert=True)
        return
    await query.answer()
    fields = {**flow.data, "districts": ", ".join(chosen)}
    await _show(update, context, _, Flow(NEW, next_step(fields), fields))


async def wizard_text(update: Update, context: Context, flow: Flow) -> None:
    """A typed answer to the step the wizard waits at (or 'field: value' lines at any step)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    _resident, _ = await load_resident(update, context)
    text = message.text.strip()
    if looks_like_form(text):
        changes, problems = read_form(text)
        if problems:
            await reply(update, problem_lines(_, problems))
        fields = {**flow.data, **changes}
    elif flow.step in TEXT_STEPS:
        answer = _answer(context, flow.step, text)
        if isinstance(answer, FormProblem):
            await reply(update, problem_lines(_, [answer]) + "\n\n" + _(PROMPTS[flow.step]))
            raise ApplicationHandlerStop
        fields = {**flow.data, **answer}
    else:
        await reply(
            update, _("Please use the buttons above, or send a field as <code>field: value</code>.")
        )
        raise ApplicationHandlerStop
    await _show(update, context, _, Flow(NEW, next_step(fields), fields), fresh=True)
    raise ApplicationHandlerStop


def _answer(context: Context, step: str, text: str) -> dict[str, str] | FormProblem:
    if step == "figures":
        return read_figures(text)
    if step != "districts":
        return {step: text}
    gazetteer = context.services.gazetteer
    route = gazetteer.route(text)
    if route is not None:
        return {"districts": ", ".join(route.districts), "route": route.code}
    slugs = []
    for resolution in gazetteer.resolve_many(text[:500]):
        if resolution.district is None:
            return FormProblem(
                FormIssue.UNKNOWN_PLACE
                if resolution.kind.value != "ambiguous"
                else FormIssue.AMBIGUOUS_PLACE,
                "districts",
                resolution.query,
            )
        slugs.append(resolution.district.slug)
    return (
        {"districts": ", ".join(dict.fromkeys(slugs))}
        if slugs
        else FormProblem(FormIssue.MISSING, "districts")
    )


async def _show(
    update: Update, context: Context, _: Translator, flow: Flow, *, fresh: bool = False
) -> None:
    """Save the flow and show its step: a prompt with buttons, or the preview."""
    assert update.effective_user is not None
    await _store(context, update.effective_user.id, flow)
    if flow.step == PREVIEW:
        draft, problems = _preview(context, _, flow, update.effective_user.id)
        rendered = (
            render_alert(
                _,
                draft,
                gazetteer=context.services.gazetteer,
                tz=context.services.settings.tz,
                preview=True,
            )
            if draft
            else ""
        )
        text = "\n\n".join(p for p in (preview_heading(_), rendered, problems) if p)
    else:
        text = _(PROMPTS[flow.step])
    markup = step_keyboard(_, flow.step)
    if update.callback_query is not None and not fresh:
        await edit(update.callback_query, text, markup)
    else:
        await reply(update, text, markup)


def _preview(context: Context, _: Translator, flow: Flow, author: int) -> tuple[Alert | None, str]:
    services = context.services
    now = datetime.now(UTC)
    built = build_content(
        flow.data,
        gazetteer=services.gazetteer,
        now=now,
        tz=services.settings.tz,
        language=_.language,
    )
    if built.content is None:
        return None, problem_lines(_, built.problems)
    rules = validate_draft(built.content, gazetteer=services.gazetteer, now=now)
    draft = draft_alert(built.content, identifier=PLACEHOLDER_REFERENCE, by=author, at=now)
    return draft, problem_lines(_, built.problems, rules)


async def _submit(update: Update, context: Context, _: Translator, flow: Flow) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    services = context.services
    author = update.effective_user.id
    built = build_content(
        flow.data,
        gazetteer=services.gazetteer,
        now=datetime.now(UTC),
        tz=services.settings.tz,
        language=_.language,
    )
    if built.content is None or validate_draft(
        built.content, gazetteer=services.gazetteer, now=datetime.now(UTC)
    ):
        await query.answer(
            _.plain("Fix the problems listed under the preview first."), show_alert=True
        )
        return
    result = await alerts.draft_and_submit(
        database=services.database,
        content=built.content,
        by=author,
        gazetteer=services.gazetteer,
        now=datetime.now(UTC),
    )
    await query.answer()
    if result.alert is None:
        await reply(update, problem_lines(_, rules=result.problems))
        return
    reached = await ask_to_verify(context, result.alert)
    await edit(
        query,
        _(
            "📨 {reference} is waiting for a second operator ({count} asked). You will be told "
            "when it is verified or rejected.",
            reference=result.alert.identifier,
            count=reached,
        ),
        None,
    )


async def _flow(context: Context, user_id: int) -> Flow | None:
    async with context.services.database.read() as session:
        return await sessions.get_flow(session, user_id=user_id)


async def _store(context: Context, user_id: int, flow: Flow) -> None:
    async with context.services.database.transaction() as session:
        await sessions.save_flow(session, user_id=user_id, flow=flow)


async def _clear(context: Context, user_id: int) -> None:
    async with context.services.database.transaction() as session:
        await sessions.clear_flow(session, user_id=user_id)
