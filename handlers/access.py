"""Access rules declared where handlers are registered: requires(Action.X)(callback)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from core.context import Context
from core.i18n import N_
from domain.roles import Action, Role, can, least_role_for
from handlers.common import asker, load_resident, reply
from views.operators import ROLE_NAMES

NEEDS_ROLE = N_(
    "Sorry, this needs the {needed} role; you are {role}. An admin can change it with /grant."
)
Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]


async def role_of(update: Update, context: Context) -> Role | None:
    """The role the sender acts with: admin from ADMIN_IDS, else their stored role, if any."""
    if update.effective_user is None:
        return None
    return (await asker(update, context)).role


def requires(action: Action) -> Callable[[Callback], Callback]:
    """Let the callback run only for roles allowed to do this; everyone else is refused politely."""

    def decorate(callback: Callback) -> Callback:
        @functools.wraps(callback)
        async def guarded(update: Update, context: Context) -> None:
            role = await role_of(update, context)
            if can(role, action):
                await callback(update, context)
            elif role is not None:
                await refuse_role(update, context, role=role, action=action)
            else:
                await refuse(update, context)

        return guarded

    return decorate


async def refuse(update: Update, context: Context) -> None:
    """Say, in the sender's language, that this is for the team only."""
    _resident, _ = await load_resident(update, context)
    text = _.plain("Sorry, this is only for the Khabardar team. Send /help to see what you can do.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await reply(
            update,
            _("Sorry, this is only for the Khabardar team. Send /help to see what you can do."),
        )


async def refuse_role(update: Update, context: Context, *, role: Role, action: Action) -> None:
    """Tell a team member which role this needs (they are on the team, just not in that role)."""
    _resident, _ = await load_resident(update, context)
    names = {
        "needed": _.plain(ROLE_NAMES[least_role_for(action) or Role.ADMIN]),
        "role": _.plain(ROLE_NAMES[role]),
    }
    if update.callback_query is not None:
        await update.callback_query.answer(_.plain(NEEDS_ROLE, **names), show_alert=True)
    else:
        await reply(update, _(NEEDS_ROLE, **names))
