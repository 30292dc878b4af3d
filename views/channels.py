"""What admins, operators, staff and residents read about district channels."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import N_, Translator
from domain.channels import Area, ChannelFacts, Problem
from domain.delivery.rules import WAITING, State
from domain.gazetteer import Gazetteer
from storage.channels import LinkedChannel
from storage.delivery_reports import ChannelOutcome
from views.keyboards import LANGUAGE_NAMES

CB_CHANNEL_ONLY = "chonly"  # chonly:<slug>: follow this district through its channel only

PROBLEM_TEXTS = {
    Problem.NOT_FOUND: N_(
        "Telegram knows no channel {channel}, or it is private and the bot is not in it. "
        "Check the @name, or add the bot to the channel as an administrator first."
    ),
    Problem.NOT_CHANNEL: N_(
        "{channel} is a group or a private chat, not a channel. Only channels can be linked."
    ),
    Problem.NOT_MEMBER: N_(
        "The bot is not in {channel}. Add it as an administrator (channel settings → "
        "Administrators → Add admin), then try again."
    ),
    Problem.NOT_ADMIN: N_("The bot is in {channel} but is not an administrator. Make it one."),
    Problem.CANNOT_POST: N_(
        "The bot is an administrator of {channel} but may not post: turn on “Post messages”."
    ),
    Problem.CANNOT_EDIT: N_(
        "The bot is an administrator of {channel} but may not edit: turn on “Edit messages of "
        "others” (corrections edit the earlier post)."
    ),
}
POST_STATES = {
    State.SENT: N_("posted"),
    State.FAILED: N_("failed"),
    State.BLOCKED: N_("failed: the bot is no longer allowed to post there"),
    State.SKIPPED: N_("not posted, the alert ended first"),
}


def usage(_: Translator) -> str:
    """How /channel is used."""
    return _(
        "<b>District channels</b>\n"
        "/channel link @name DISTRICT LANGUAGE — e.g. /channel link @kb_quetta_ur quetta ur. "
        "DISTRICT may be a division (“Kalat division”) or “province”.\n"
        "Or forward one of the channel's posts to me, then reply to it with "
        "/channel link DISTRICT LANGUAGE.\n"
        "/channel list — the linked channels\n"
        "/channel unlink @name"
    )


def channel_name(channel: LinkedChannel | ChannelFacts) -> str:
    """@name when it has one, else its id (titles are anyone's words)."""
    return f"@{channel.username}" if channel.username else str(channel.chat_id)


def problem_text(_: Translator, problems: Sequence[Problem], channel: str) -> str:
    """Exactly what is missing, one line each."""
    return "\n".join(str(_(PROBLEM_TEXTS[p], channel=channel)) for p in problems)


def unknown_area(_: Translator, area: Area, gazetteer: Gazetteer) -> str:
    """The words named no district, division or the province."""
    if area.suggestion is not None:
        district = gazetteer.district(area.suggestion)
        return _(
            "“{words}” is not a district name. Did you mean {district}? Send the exact name.",
            words=area.unknown or "",
            district=district.display_name(_.language),
        )
    return _(
        "“{words}” is not a district, a division or “province”. Check the spelling.",
        words=area.unknown or "",
    )


def unknown_language(_: Translator, word: str, languages: Sequence[str]) -> str:
    """The last word was not a language the bot speaks."""
    return _(
        "“{word}” is not a language I speak. End the command with one of: {languages}.",
        word=word,
        languages=", ".join(languages),
    )


def areas(_: Translator, districts: Sequence[str], gazetteer: Gazetteer) -> str:
    """The districts a channel covers, by name."""
    known = [gazetteer.get(d) for d in districts]
    ordered = sorted((d for d in known if d), key=gazetteer.districts.index)
    names = [d.display_name(_.language) for d in ordered]
    return (
        _.plain(", ").join(names)
        if len(names) <= 6
        else _.plain("{count} districts", count=len(names))
    )


def linked(_: Translator, channel: LinkedChannel, gazetteer: Gazetteer) -> str:
    """The link is stored."""
    return _(
        "✅ Linked {channel} ({language}) to {districts}. Every verified alert for them is "
        "posted there, before the private messages.",
        channel=channel_name(channel),
        language=LANGUAGE_NAMES.get(channel.language, channel.language),
        districts=areas(_, channel.districts, gazetteer),
    )


def already_linked(_: Translator, channel: LinkedChannel, gazetteer: Gazetteer) -> str:
    """Linking the same channel twice changes nothing."""
    return _(
        "{channel} is already linked to {districts}. To change it, /channel unlink it first.",
        channel=channel_name(channel),
        districts=areas(_, channel.districts, gazetteer),
    )


def unlinked(_: Translator, channel: LinkedChannel) -> str:
    """The link is gone."""
    return _(
        "Unlinked {channel}. New alerts are no longer posted there.",
        channel=channel_name(channel),
    )


def not_linked(_: Translator, word: str) -> str:
    """Unlinking a channel that is not linked."""
    return _("{channel} is not a linked channel. See /channel list.", channel=word)


def channel_list(_: Translator, found: Sequence[LinkedChannel], gazetteer: Gazetteer) -> str:
    """Every linked channel with its language, districts and member count."""
    if not found:
        return _("No channels are linked yet. Link one with /channel link.")
    lines: list[str] = [_("<b>Linked channels</b>")]
    lines.extend(_channel_line(_, c, gazetteer) for c in found)
    return "\n".join(lines)


def _channel_line(_: Translator, channel: LinkedChannel, gazetteer: Gazetteer) -> str:
    return _(
        "• {channel} ({language}) · {districts} · {members}",
        channel=channel_name(channel),
        language=channel.language,
        districts=areas(_, channel.districts, gazetteer),
        members=members(_, channel),
    )


def members(_: Translator, channel: LinkedChannel) -> str:
    """The member count Telegram last gave."""
    if channel.member_count is None:
        return _.plain("members not known yet")
    return _.plural("{count} member", "{count} members", channel.member_count)


def forwarded(_: Translator, facts: ChannelFacts) -> str:
    """An admin forwarded a channel's post: its id, and how to link it."""
    return _(
        "This post is from the channel {channel}. To link it, reply to it with "
        "/channel link DISTRICT LANGUAGE, or send /channel link {channel} DISTRICT LANGUAGE.",
        channel=channel_name(facts),
    )


def report_lines(_: Translator, outcomes: Sequence[ChannelOutcome]) -> list[Markup]:
    """Channel posts in an operator's report, apart from the private fan-out."""
    if not outcomes:
        return []
    lines = [_("📢 <b>Channels</b> (one post reaches every member):")]
    for outcome in outcomes:
        name = outcome.title or str(outcome.chat_id)
        if outcome.post in WAITING or outcome.post is None:
            state = _.plain("waiting to be posted")
        else:
            state = _.plain(POST_STATES.get(outcome.post, N_("failed")))
        if outcome.edit is State.SENT:
            state += _.plain(", earlier post marked")
        lines.append(_("• {channel}: {state}", channel=name, state=state))
    return lines


def channel_buttons(
    _: Translator, found: Sequence[LinkedChannel], districts: Sequence[str], gazetteer: Gazetteer
) -> InlineKeyboardMarkup | None:
    """A t.me button for each public channel of these districts (in the reader's language
    first), or None when there is none."""
    buttons = []
    seen: set[int] = set()
    chosen = set(districts)
    ordered = sorted(found, key=lambda c: (c.language != _.language, c.title))
    for channel in ordered:
        if channel.link is None or channel.chat_id in seen or not chosen & set(channel.districts):
            continue
        seen.add(channel.chat_id)
        label = _.plain("📢 Channel: {title}", title=channel.title)
        buttons.append([InlineKeyboardButton(label, url=channel.link)])
    return InlineKeyboardMarkup(buttons) if buttons else None


def channel_note(_: Translator) -> str:
    """What a channel is, next to its button."""
    return _(
        "📢 These districts have a Khabardar channel. A channel gets <b>every</b> verified "
        "alert of its districts, and the bot stores nothing about who joins it. Private "
        "messages follow your own filters and quiet hours."
    )


def status_lines(_: Translator, found: Sequence[LinkedChannel], *, overview: bool) -> str:
    """Linked channels with their member counts, for /status (one district) and /overview."""
    if not found:
        return ""
    heading = _("📢 <b>District channels</b>:") if overview else _("📢 Channels of this district:")
    lines = [heading]
    lines.extend(
        _("📢 {channel}: {members}", channel=channel_name(c), members=members(_, c)) for c in found
    )
    return "\n".join(lines)
