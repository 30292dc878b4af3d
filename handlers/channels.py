"""Admins: /channel link|list|unlink, and forwarded channel posts (to learn a channel's id)."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Message, MessageOriginChannel, Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler, MessageHandler, filters

from core.context import Context, KhabardarApp
from core.i18n import Translator
from delivery.channels import inspect_channel
from domain.channels import Problem, channel_reference, parse_area, problems
from domain.roles import Action, can
from handlers.access import requires, role_of
from handlers.common import argument_text, load_resident, reply
from handlers.residents.subscriptions import place_names_typed
from usecases import channels
from usecases.channels import Linked
from views import channels as views


def register(app: KhabardarApp) -> None:
    """Add /channel (admins only) and the forwarded-post helper."""
    app.add_handlers(
        [
            CommandHandler("channel", requires(Action.MANAGE_CHANNELS)(channel_command)),
            # A forwarded location (or venue) is just a place, whoever sent it first.
            MessageHandler(
                filters.ChatType.PRIVATE & filters.FORWARDED & ~filters.COMMAND & ~filters.LOCATION,
                forwarded_post,
            ),
        ]
    )


async def channel_command(update: Update, context: Context) -> None:
    """/channel link …, /channel list, /channel unlink …"""
    _resident, _ = await load_resident(update, context)
    words = argument_text(update).split()
    verb = words[0].lower() if words else ""
    if verb == "list":
        found = await channels.linked(database=context.services.database)
        await reply(update, views.channel_list(_, found, context.services.gazetteer))
    elif verb == "link" and len(words) >= 2:
        await _link(update, context, _, words[1:])
    elif verb == "unlink" and len(words) == 2:
        await _unlink(update, context, _, words[1])
    else:
        await reply(update, views.usage(_))


async def forwarded_post(update: Update, context: Context) -> None:
    """An admin forwarded a channel's post: say which channel it is and how to link it."""
    message = update.effective_message
    origin = message.forward_origin if message else None
    if not isinstance(origin, MessageOriginChannel) or not can(
        await role_of(update, context), Action.MANAGE_CHANNELS
    ):
        await place_names_typed(update, context)  # what any other message would get
        return
    _resident, _ = await load_resident(update, context)
    try:
        facts = await inspect_channel(context.bot, origin.chat.id)
    except TelegramError:
        await reply(update, _("Telegram did not answer. Nothing was linked; try again."))
        return
    if facts is None:
        await reply(update, views.problem_text(_, [Problem.NOT_FOUND], str(origin.chat.id)))
        return
    await reply(update, views.forwarded(_, facts))


async def _link(update: Update, context: Context, _: Translator, words: list[str]) -> None:
    services = context.services
    reference = _forwarded_channel(update.effective_message) or channel_reference(words[0])
    if reference is None:
        await reply(update, views.usage(_))
        return
    if not _forwarded_channel(update.effective_message):
        words = words[1:]
    if len(words) < 2:  # an area and a language are both needed
        await reply(update, views.usage(_))
        return
    language = words[-1].lower() if words else ""
    if language not in services.catalogs.languages:
        await reply(update, views.unknown_language(_, language, services.catalogs.languages))
        return
    area = parse_area(services.gazetteer, words[:-1])
    if not area.ok:
        await reply(update, views.unknown_area(_, area, services.gazetteer))
        return
    shown = f"@{reference}" if isinstance(reference, str) else str(reference)
    try:
        facts = await inspect_channel(context.bot, reference)
    except TelegramError:
        await reply(update, _("Telegram did not answer. Nothing was linked; try again."))
        return
    missing = problems(facts) if facts is not None else [Problem.NOT_FOUND]
    if missing:
        await reply(update, views.problem_text(_, missing, shown))
        return
    assert facts is not None and update.effective_user is not None
    outcome = await channels.link(
        database=services.database,
        facts=facts,
        districts=area.districts,
        language=language,
        by=update.effective_user.id,
        now=datetime.now(UTC),
    )
    assert outcome.channel is not None
    if outcome.outcome is Linked.ALREADY:
        await reply(update, views.already_linked(_, outcome.channel, services.gazetteer))
    else:
        await reply(update, views.linked(_, outcome.channel, services.gazetteer))


async def _unlink(update: Update, context: Context, _: Translator, word: str) -> None:
    reference = channel_reference(word)
    if reference is None:
        await reply(update, views.usage(_))
        return
    assert update.effective_user is not None
    found = await channels.unlink(
        database=context.services.database,
        reference=reference,
        by=update.effective_user.id,
        now=datetime.now(UTC),
    )
    if found is None:
        await reply(update, views.not_linked(_, word))
    else:
        await reply(update, views.unlinked(_, found))


def _forwarded_channel(message: Message | None) -> int | None:
    """The channel of the forwarded post this command replies to, if any."""
    replied = message.reply_to_message if message else None
    origin = replied.forward_origin if replied else None
    return origin.chat.id if isinstance(origin, MessageOriginChannel) else None
