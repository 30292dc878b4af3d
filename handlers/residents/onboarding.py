"""Residents' first contact: /start, /language, /help."""

from __future__ import annotations

from telegram import Update

from core.context import Context
from core.i18n import N_
from handlers.access import role_of
from handlers.common import (
    edit,
    load_resident,
    offer_location,
    picker_screen,
    reply,
    stale_button,
)
from handlers.menu import team_help
from storage import residents
from views import keyboards
from views import location as location_views
from views import residents as views

# (command, description) in the order Telegram's menu shows them.
COMMANDS = (
    ("start", N_("Start, choose language and districts")),
    ("subscribe", N_("Follow districts, e.g. /subscribe Quetta, Pasni")),
    ("unsubscribe", N_("Stop following districts")),
    ("mysubs", N_("The districts you follow")),
    ("settings", N_("Which alerts, minimum severity, quiet hours")),
    ("allquiet", N_("A daily note when all is quiet, e.g. /allquiet 08:00")),
    ("language", N_("Change language")),
    ("mydata", N_("See exactly what is stored about you")),
    ("delete", N_("Erase everything stored about you")),
    ("help", N_("How Khabardar works")),
)
# Only where SMS is configured: elsewhere the command would only say SMS is off.
SMS_COMMAND = ("sms", N_("Add your number for SMS when mobile data is cut"))


def resident_commands(sms_enabled: bool) -> tuple[tuple[str, str], ...]:
    """The residents' commands, in menu and /help order."""
    return (*COMMANDS, SMS_COMMAND) if sms_enabled else COMMANDS


async def start(update: Update, context: Context) -> None:
    """Greet the chat and offer the languages."""
    _resident, _ = await load_resident(update, context)
    await reply(
        update, views.welcome(_), keyboards.languages(context.services.catalogs, during_start=True)
    )


async def choose_language(update: Update, context: Context) -> None:
    """Offer the languages again."""
    _resident, _ = await load_resident(update, context)
    await reply(
        update,
        _("Choose your language:"),
        keyboards.languages(context.services.catalogs, during_start=False),
    )


async def language_chosen(update: Update, context: Context) -> None:
    """Store the language; during /start, go on to the district picker."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_chat is not None
    _prefix, mode, code = query.data.split(":")
    if code not in context.services.catalogs.languages:
        await stale_button(update, context)
        return
    async with context.services.database.transaction() as session:
        await residents.ensure_resident(session, chat_id=update.effective_chat.id, language=code)
        await residents.set_language(session, chat_id=update.effective_chat.id, language=code)
        followed = await residents.list_subscriptions(session, chat_id=update.effective_chat.id)
    _ = context.translator(code)
    await query.answer()
    await edit(query, views.language_set(_), None)
    if mode == "s":
        # The offer first: the picker stays the newest message, right above the button.
        await offer_location(update, context)
        await reply(update, *picker_screen(context, _, followed))


async def show_help(update: Update, context: Context) -> None:
    """Explain what the bot does and list the commands."""
    _resident, _ = await load_resident(update, context)
    lines: list[str] = [_("<b>Khabardar</b>: verified alerts for the districts you follow.")]
    commands = resident_commands(context.services.settings.smpp_host is not None)
    lines.extend(f"/{name} — {_(description)}" for name, description in commands)
    lines.append("")
    lines.append(_("You can also just send the name of a district or town, e.g. Dalbandin."))
    lines.append(
        _(
            "To follow a road or railway wherever you live, send its code or name, e.g. "
            "/subscribe N-25 or /subscribe Quetta–Taftan railway."
        )
    )
    lines.append(location_views.help_line(_))
    # Marked per line so "/start — …" reads right-to-left in Urdu and Pashto; the team's part
    # is not: its form example is copied into messages, where a mark would break the fields.
    text = _.finish("\n".join(lines))
    team = team_help(_, await role_of(update, context))
    await reply(update, f"{text}\n\n{team}" if team else text)
