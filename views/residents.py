"""Texts residents read, built from domain values in the resident's language (HTML-safe)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from core.i18n import Translator
from domain.gazetteer import District, Resolution, ResolutionKind
from domain.places import MAX_PLACES, MAX_PLACES_TEXT, PlacesReading
from domain.preferences import Preferences, kinds_from_mask
from views.keyboards import KIND_LABELS, LANGUAGE_NAMES, SEVERITY_LABELS


def names(_: Translator, districts: Sequence[District]) -> str:
    """District names joined the way the language lists things, bold."""
    separator = _.plain(", ")
    return Markup(separator).join(  # noqa: S704 - the separator comes from the catalog
        Markup("<b>{}</b>").format(d.display_name(_.language)) for d in districts
    )


def welcome(_: Translator) -> str:
    """The first thing a new chat reads."""
    return _(
        "<b>Khabardar</b> sends verified alerts about security incidents, road and rail "
        "suspensions and displacement in the districts of Balochistan you choose.\n\n"
        "Every alert is checked by two people before it is sent.\n\n"
        "Choose your language:"
    )


def language_set(_: Translator) -> str:
    """Confirmation after choosing a language, in that language."""
    return _("Language: {language}", language=LANGUAGE_NAMES.get(_.language, _.language))


def picker(_: Translator, followed: Sequence[District]) -> str:
    """The district picker's heading with what the chat follows now."""
    head = _("Choose the districts you want alerts for. Tap a division, then its districts.")
    if not followed:
        return head + "\n\n" + _("You follow no districts yet.")
    return head + "\n\n" + _("You follow: {districts}", districts=names(_, followed))


def division_heading(_: Translator, division_label: str, followed: Sequence[District]) -> str:
    """The picker while a division is open."""
    text = _(
        "Division: <b>{division}</b>\nTap a district to follow it; tap ✓ to stop.",
        division=division_label,
    )
    if followed:
        text += "\n\n" + _("You follow: {districts}", districts=names(_, followed))
    return text


def picker_done(_: Translator, followed: Sequence[District]) -> str:
    """What the picker says when closed."""
    if not followed:
        return _("You follow no districts. Send /subscribe when you want alerts.")
    return _(
        "Done. You will get verified alerts for: {districts}\n\n"
        "/mysubs shows your list, /settings chooses which alerts, /help lists everything.",
        districts=names(_, followed),
    )


def places_reply(
    _: Translator, reading: PlacesReading, added: Sequence[District], already: Sequence[District]
) -> str:
    """What /subscribe (or a typed place name) did, and what is still unclear."""
    if reading.too_long:
        return _(
            "That message is too long. Please send at most {limit} characters of place names, "
            "for example: /subscribe Quetta, Pasni",
            limit=MAX_PLACES_TEXT,
        )
    if reading.too_many:
        return _(
            "That is too many places at once. Please send at most {limit} names per message.",
            limit=MAX_PLACES,
        )
    lines: list[str] = []
    if added:
        lines.append(_("✅ Subscribed to {districts}.", districts=names(_, added)))
    if already:
        lines.append(_("You already follow {districts}.", districts=names(_, already)))
    lines.extend(explanation(_, r) for r in reading.explained)
    for resolution in reading.ambiguous:
        lines.append(
            _(
                "❓ There is a “{place}” in more than one district. Which one do you mean?",
                place=resolution.query,
            )
        )
    for resolution in reading.suggestions:
        lines.append(
            _("❓ I don't know “{place}”. Did you mean one of these?", place=resolution.query)
        )
    for query in reading.unknown:
        lines.append(
            _("🤷 I don't know a place called “{place}” in Balochistan.", place=_short(query))
        )
    if reading.unknown and not reading.districts:
        lines.append(_("Check the spelling, or send /subscribe alone to choose from a list."))
    return "\n".join(lines)


def explanation(_: Translator, resolution: Resolution) -> str:
    """Why a name led to a district: a town inside it, or a spelling we corrected."""
    assert resolution.district is not None
    district = resolution.district.display_name(_.language)
    if resolution.kind is ResolutionKind.TOWN and resolution.town is not None:
        return _(
            "ℹ️ {town} is in {district} district.",
            town=resolution.town.display_name(_.language),
            district=district,
        )
    if resolution.kind is ResolutionKind.DISTRICT:
        return _("ℹ️ “{place}” is {district} district.", place=resolution.query, district=district)
    return _("ℹ️ I took “{place}” to mean {district}.", place=resolution.query, district=district)


def unsubscribed(
    _: Translator,
    removed: Sequence[District],
    reading: PlacesReading,
    routes: Sequence[str] = (),
) -> str:
    """What /unsubscribe with names did (`routes`: the lines about roads and railways)."""
    lines = list(routes)
    if removed:
        lines.append(_("Stopped alerts for {districts}.", districts=names(_, removed)))
    not_followed = [d for d in reading.districts if d not in removed]
    if not_followed:
        lines.append(_("You were not following {districts}.", districts=names(_, not_followed)))
    for query in reading.unknown:
        lines.append(
            _("🤷 I don't know a place called “{place}” in Balochistan.", place=_short(query))
        )
    return "\n".join(lines) or _("Nothing changed.")


def my_subscriptions(_: Translator, followed: Sequence[District]) -> str:
    """The /mysubs list."""
    if not followed:
        return _("You follow no districts yet. Send /subscribe to choose some.")
    lines: list[str] = [_("<b>Your districts</b> ({count}):", count=len(followed))]
    lines.extend(f"• {name}" for name in (names(_, [d]) for d in followed))
    lines.append("")
    lines.append(_("Tap a button below to stop alerts for a district."))
    return "\n".join(lines)


def settings_text(_: Translator, prefs: Preferences) -> str:
    """The /settings summary with how quiet hours work."""
    return _(
        "<b>Your alert settings</b>\n{summary}\n\n"
        "During quiet hours only Extreme or Immediate alerts are sent; the rest wait until "
        "the quiet hours end. For other hours send, for example, /quiet 21:30-05:30 "
        "(or /quiet off).",
        summary=settings_summary(_, prefs),
    )


def my_data(
    _: Translator,
    chat_id: int,
    language: str,
    followed: Sequence[District],
    prefs: Preferences,
    active: bool,
    deliveries: int,
) -> str:
    """Exactly what is stored about the chat, field by field."""
    stored = _(
        "<b>Everything Khabardar stores about this chat</b>\n"
        "Chat id: <code>{chat_id}</code>\n"
        "Language: {language}\n"
        "Districts: {districts}\n"
        "{settings}\n"
        "Receiving alerts: {active}\n"
        "Records of alerts sent to this chat: {deliveries} (kept until 30 days after each alert "
        "ends, so that corrections reach you)\n\n"
        "Nothing else: no names, usernames, phone numbers, locations or the messages you send. "
        "/delete erases all of it.",
        chat_id=chat_id,
        language=LANGUAGE_NAMES.get(language, language),
        districts=names(_, followed) if followed else _.plain("none"),
        settings=settings_summary(_, prefs),
        active=_.plain("yes") if active else _.plain("no"),
        deliveries=deliveries,
    )
    channel_only = _(
        "Districts you follow through a channel only are not stored at all: the bot does not "
        "know who joins a channel."
    )
    return f"{stored}\n{channel_only}"


def settings_summary(_: Translator, prefs: Preferences) -> str:
    """Kinds, severity and quiet hours on three lines."""
    kinds = _.plain(", ").join(_.plain(KIND_LABELS[k]) for k in kinds_from_mask(prefs.kinds_mask))
    return _(
        "Alert kinds: {kinds}\nMinimum severity: {severity}\nQuiet hours: {quiet}",
        kinds=kinds,
        severity=_.plain(SEVERITY_LABELS[prefs.min_severity]),
        quiet=prefs.quiet.label() if prefs.quiet else _.plain("none"),
    )


def _short(text: str, limit: int = 40) -> str:
    # Echo at most a little of what was typed: enough to recognise, never a wall of text.
    return text if len(text) <= limit else text[: limit - 1] + "…"
