"""What residents read when they share a location, and the keyboard that asks for it."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from core.i18n import N_, Translator
from domain.gazetteer import District, Placement, PlacementKind
from views.keyboards import CB_CHOOSE, CB_DIVISIONS
from views.residents import names

# Starts every translation of the button label too, so a typed copy of it is recognised.
PIN = "📍"
SHARE_LABEL = N_("📍 Share my location")


def request_keyboard(_: Translator) -> ReplyKeyboardMarkup:
    """One button under the text box that sends the phone's location (private chats only)."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(_.plain(SHARE_LABEL), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def offer(_: Translator) -> str:
    """Sent with the keyboard: what the button does, and what is kept."""
    return _(
        "Not sure which district you are in? Tap “📍 Share my location” below and I will "
        "find it. Only the district is kept, never your location."
    )


def help_line(_: Translator) -> str:
    """The /help line about finding one's district by location."""
    return _(
        "Not sure of your district? In a private chat, share your location (📎 → Location) "
        "and I will find it; only the district is kept."
    )


def _where(_: Translator, venue: str | None) -> str:
    return _("📍 {place}", place=venue) if venue else _("📍 Your location")


def placed(_: Translator, district: District, *, added: bool, venue: str | None, live: bool) -> str:
    """A location inside one district's outline: followed now (or already)."""
    lines = [
        _(
            "{where} is in <b>{district}</b> district.",
            where=_where(_, venue),
            district=district.display_name(_.language),
        ),
        _("✅ Subscribed to {districts}.", districts=names(_, [district]))
        if added
        else _("You already follow {districts}.", districts=names(_, [district])),
    ]
    return _.finish("\n".join([*lines, *_notes(_, live)]))


def confirm(_: Translator, placement: Placement, *, venue: str | None, live: bool) -> str:
    """The question for a shared outline, or for a point just outside an outline."""
    if placement.kind is PlacementKind.NEAR:
        return confirm_near(_, placement.districts, venue=venue, live=live)
    return confirm_shared(_, placement.districts, venue=venue, live=live)


def confirm_shared(
    _: Translator, districts: Sequence[District], *, venue: str | None, live: bool
) -> str:
    """A location in an outline several districts share: propose the nearest, ask."""
    nearest, *others = districts
    lines = [
        _(
            "{where} is most likely in <b>{district}</b> district (its headquarters is "
            "nearest). My map does not separate it from {others}.",
            where=_where(_, venue),
            district=nearest.display_name(_.language),
            others=names(_, others),
        ),
        _("Tap the district to follow:"),
    ]
    return _.finish("\n".join([*lines, *_notes(_, live)]))


def confirm_near(
    _: Translator, districts: Sequence[District], *, venue: str | None, live: bool
) -> str:
    """A location just outside an outline: the borders are approximate, so ask."""
    lines = [
        _(
            "{where} is just outside <b>{district}</b> district on my map. Its borders are "
            "approximate, so it may be in {district}, or outside the province.",
            where=_where(_, venue),
            district=districts[0].display_name(_.language),
        ),
        _("Tap the district to follow:"),
    ]
    return _.finish("\n".join([*lines, *_notes(_, live)]))


def shared_choices(_: Translator, districts: Sequence[District]) -> InlineKeyboardMarkup:
    """The proposed district first (ticked), the others sharing its outline, then the list."""
    nearest, *others = districts
    rows = [
        [
            InlineKeyboardButton(
                _.plain("✅ {district}", district=nearest.display_name(_.language)),
                callback_data=f"{CB_CHOOSE}:{nearest.slug}",
            )
        ]
    ]
    rows += [
        [InlineKeyboardButton(d.display_name(_.language), callback_data=f"{CB_CHOOSE}:{d.slug}")]
        for d in others
    ]
    rows.append(
        [InlineKeyboardButton(_.plain("🗂 None of these: the list"), callback_data=CB_DIVISIONS)]
    )
    return InlineKeyboardMarkup(rows)


def outside(_: Translator, *, region: str, no_fix: bool) -> str:
    """A location in no district: at 0,0 (no fix), at sea or outside the region."""
    if no_fix:
        head = _(
            "That location is 0°, 0°: your phone had probably not found its position yet. "
            "Try again in a moment, outdoors if you can."
        )
    else:
        head = _(
            "That location is not in any district of {region} I know (it may be outside the "
            "province, or at sea).",
            region=region,
        )
    return head + "\n\n" + _("You can choose your districts from the list instead:")


def _notes(_: Translator, live: bool) -> list[Markup]:
    notes = [_("Only the district is kept, never your location.")]
    if live:
        notes.append(_("I used your position once. You can stop sharing your live location."))
    return notes


def button_typed(_: Translator, *, private: bool) -> str:
    """The button's label arrived as text: in a group, or from an app that cannot send it."""
    if private:
        return _(
            "Please tap the “📍 Share my location” button under the text box, or send a "
            "location with the 📎 attachment menu. Or send the name of your district or town."
        )
    return _(
        "Sharing a location works in a private chat with me: open a chat with this bot and "
        "send /subscribe. In this group, send /subscribe with a district or town name."
    )
