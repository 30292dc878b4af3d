"""Admins: /grant and /revoke roles, /team, /audit; anyone: /whoami (to tell an admin their id)."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import CommandHandler

from core.context import Context, KhabardarApp
from domain.gazetteer import normalize_digits
from domain.roles import GRANTABLE_ROLES, Action, Role
from handlers.access import requires, role_of
from handlers.command_menus import publish_team_menu
from handlers.common import argument_text, load_resident, reply
from usecases import team
from views.operators import ROLE_NAMES, audit_lines, team_lines

AUDIT_DEFAULT_LINES = 20
AUDIT_MAX_LINES = 50


def register(app: KhabardarApp) -> None:
    """Add the admin commands, each guarded where it is registered."""
    app.add_handlers(
        [
            CommandHandler("whoami", who_am_i),
            CommandHandler("grant", requires(Action.GRANT_ROLES)(grant)),
            CommandHandler("revoke", requires(Action.GRANT_ROLES)(revoke)),
            CommandHandler("team", requires(Action.VIEW_TEAM)(show_team)),
            CommandHandler("audit", requires(Action.VIEW_AUDIT)(show_audit)),
        ]
    )


async def who_am_i(update: Update, context: Context) -> None:
    """Show the sender's Telegram user id and role, so they can give it to an admin."""
    _resident, _ = await load_resident(update, context)
    assert update.effective_user is not None
    role = await role_of(update, context)
    role_name = _.plain(ROLE_NAMES[role]) if role else _.plain("resident")
    await reply(
        update,
        _(
            "Your Telegram user id is <code>{user}</code>. Role: {role}.",
            user=update.effective_user.id,
            role=role_name,
        ),
    )


async def grant(update: Update, context: Context) -> None:
    """Grant a role: /grant USER_ID operator|staff."""
    _resident, _ = await load_resident(update, context)
    assert update.effective_user is not None
    parts = normalize_digits(argument_text(update)).split()
    roles = {r.value: r for r in GRANTABLE_ROLES}
    if len(parts) != 2 or not parts[0].isdigit() or parts[1].lower() not in roles:
        await reply(
            update,
            _(
                "Send /grant USER_ID operator or /grant USER_ID staff. The person can find their "
                "id with /whoami."
            ),
        )
        return
    user_id, role = int(parts[0]), roles[parts[1].lower()]
    change = await team.grant(
        database=context.services.database,
        user_id=user_id,
        role=role,
        by=update.effective_user.id,
        now=datetime.now(UTC),
    )
    await publish_team_menu(context.bot, context.services, user_id)
    if not change.changed:
        await reply(
            update, _("{user} is already {role}.", user=user_id, role=_.plain(ROLE_NAMES[role]))
        )
    else:
        await reply(
            update, _("{user} is now {role}.", user=user_id, role=_.plain(ROLE_NAMES[role]))
        )


async def revoke(update: Update, context: Context) -> None:
    """Remove a stored role: /revoke USER_ID."""
    _resident, _ = await load_resident(update, context)
    assert update.effective_user is not None
    text = normalize_digits(argument_text(update)).strip()
    if not text.isdigit():
        await reply(update, _("Send /revoke USER_ID."))
        return
    change = await team.revoke(
        database=context.services.database,
        user_id=int(text),
        by=update.effective_user.id,
        now=datetime.now(UTC),
    )
    await publish_team_menu(context.bot, context.services, int(text))
    removed = change.previous
    if removed is None:
        await reply(update, _("{user} has no role to revoke.", user=int(text)))
    else:
        await reply(
            update,
            _("{user} is no longer {role}.", user=int(text), role=_.plain(ROLE_NAMES[removed])),
        )


async def show_team(update: Update, context: Context) -> None:
    """List admins (configured) and everyone with a stored role."""
    _resident, _ = await load_resident(update, context)
    members = await team.members(database=context.services.database)
    await reply(update, team_lines(_, members, sorted(context.services.settings.admin_ids)))


async def show_audit(update: Update, context: Context) -> None:
    """The newest audit entries: /audit [how many]."""
    _resident, _ = await load_resident(update, context)
    text = normalize_digits(argument_text(update)).strip()
    count = (
        min(int(text), AUDIT_MAX_LINES) if text.isdigit() and int(text) > 0 else AUDIT_DEFAULT_LINES
    )
    entries = await team.recent_audit(database=context.services.database, limit=count)
    await reply(update, audit_lines(_, entries, context.services.settings.tz))


__all__ = ["Role", "register"]
