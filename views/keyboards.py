"""Inline keyboards for residents, and the callback-data prefixes their buttons carry.

Every button states the outcome it asks for ("on:quetta", not "toggle:quetta"), so a double tap
or a tap on an old message repeats the same request instead of undoing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import N_, Catalogs, Translator
from domain.alerts import AlertKind, Severity
from domain.gazetteer import District, Gazetteer
from domain.preferences import Preferences, QuietHours

CB_LANGUAGE = "lang"  # lang:<s|l>:<code>, s = during /start, l = from /language
CB_DIVISIONS = "divs"  # back to the list of divisions
CB_DIVISION = "div"  # div:<index into gazetteer.divisions>
CB_ON = "on"  # on:<slug>, follow a district from the picker
CB_OFF = "off"  # off:<slug>, stop following it from the picker
CB_DONE = "done"  # close the picker
CB_REMOVE = "rm"  # rm:<slug>, from /mysubs
CB_CHOOSE = "pick"  # pick:<slug>, answer to "did you mean" or "which Dasht"
CB_SETTINGS = (
    "set"  # set:k+:<kind> | set:k-:<kind> | set:sev:<code> | set:q:<start>-<end> | set:q:off
)
CB_DELETE = "del"  # del:yes | del:no

LANGUAGE_NAMES = {"en": "English", "ur": "اردو", "ps": "پښتو"}
KIND_LABELS = {
    AlertKind.SECURITY: N_("Security incidents"),
    AlertKind.TRANSPORT: N_("Transport suspensions"),
    AlertKind.DISPLACEMENT: N_("Displacement"),
}
SEVERITY_LABELS = {
    Severity.MINOR: N_("Minor"),
    Severity.MODERATE: N_("Moderate"),
    Severity.SEVERE: N_("Severe"),
    Severity.EXTREME: N_("Extreme"),
}
QUIET_PRESETS = (QuietHours(22 * 60, 6 * 60), QuietHours(23 * 60, 7 * 60), QuietHours(0, 6 * 60))
TICK = "✓ "


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def languages(catalogs: Catalogs, *, during_start: bool) -> InlineKeyboardMarkup:
    """One button per language the bot speaks, each labelled in its own language."""
    mode = "s" if during_start else "l"
    return InlineKeyboardMarkup(
        _rows(
            [
                InlineKeyboardButton(
                    LANGUAGE_NAMES.get(code, code), callback_data=f"{CB_LANGUAGE}:{mode}:{code}"
                )
                for code in catalogs.languages
            ],
            3,
        )
    )


def divisions(
    _: Translator, gazetteer: Gazetteer, followed: Iterable[str], *, ns: str = ""
) -> InlineKeyboardMarkup:
    """The divisions, each with how many of its districts are chosen.

    `ns` prefixes every callback so the operators' alert wizard can reuse the same picker.
    """
    followed_set = set(followed)
    buttons = []
    for index, division in enumerate(gazetteer.divisions):
        count = sum(1 for d in gazetteer.districts_in(division) if d.slug in followed_set)
        label = gazetteer.division_name(division, _.language)
        buttons.append(
            InlineKeyboardButton(
                f"{label} ({count})" if count else label,
                callback_data=f"{ns}{CB_DIVISION}:{index}",
            )
        )
    rows = _rows(buttons, 2)
    rows.append([InlineKeyboardButton(_.plain("✅ Done"), callback_data=ns + CB_DONE)])
    return InlineKeyboardMarkup(rows)


def districts(
    _: Translator, districts_: Sequence[District], followed: Iterable[str], *, ns: str = ""
) -> InlineKeyboardMarkup:
    """The districts of one division: tap to follow, tap a ticked one to stop."""
    followed_set = set(followed)
    buttons = [
        InlineKeyboardButton(
            TICK + d.display_name(_.language), callback_data=f"{ns}{CB_OFF}:{d.slug}"
        )
        if d.slug in followed_set
        else InlineKeyboardButton(d.display_name(_.language), callback_data=f"{ns}{CB_ON}:{d.slug}")
        for d in districts_
    ]
    rows = _rows(buttons, 2)
    rows.append(
        [
            InlineKeyboardButton(_.plain("« Divisions"), callback_data=ns + CB_DIVISIONS),
            InlineKeyboardButton(_.plain("✅ Done"), callback_data=ns + CB_DONE),
        ]
    )
    return InlineKeyboardMarkup(rows)


def removals(_: Translator, districts_: Sequence[District]) -> InlineKeyboardMarkup | None:
    """A remove button per followed district, for /mysubs."""
    if not districts_:
        return None
    buttons = [
        InlineKeyboardButton(
            _.plain("✕ {district}", district=d.display_name(_.language)),
            callback_data=f"{CB_REMOVE}:{d.slug}",
        )
        for d in districts_
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def choices(_: Translator, options: Sequence[tuple[str, District]]) -> InlineKeyboardMarkup:
    """Buttons that follow one of several candidate districts, labelled as given."""
    return InlineKeyboardMarkup(
        _rows(
            [
                InlineKeyboardButton(label, callback_data=f"{CB_CHOOSE}:{district.slug}")
                for label, district in options
            ],
            2,
        )
    )


def settings(_: Translator, prefs: Preferences) -> InlineKeyboardMarkup:
    """Kinds, minimum severity and quiet hours, the current choice of each ticked."""
    kind_buttons = []
    for kind, label in KIND_LABELS.items():
        wanted = bool(prefs.kinds_mask & kind.bit)
        kind_buttons.append(
            InlineKeyboardButton(
                (TICK if wanted else "") + _.plain(label),
                callback_data=f"{CB_SETTINGS}:{'k-' if wanted else 'k+'}:{kind.value}",
            )
        )
    severity_buttons = [
        InlineKeyboardButton(
            (TICK if prefs.min_severity == severity else "") + _.plain(label),
            callback_data=f"{CB_SETTINGS}:sev:{severity.code}",
        )
        for severity, label in SEVERITY_LABELS.items()
    ]
    quiet_buttons = [
        InlineKeyboardButton(
            (TICK if prefs.quiet is None else "") + _.plain("No quiet hours"),
            callback_data=f"{CB_SETTINGS}:q:off",
        )
    ] + [
        InlineKeyboardButton(
            (TICK if prefs.quiet == preset else "") + preset.label(),
            callback_data=f"{CB_SETTINGS}:q:{preset.start}-{preset.end}",
        )
        for preset in QUIET_PRESETS
    ]
    return InlineKeyboardMarkup(
        [
            *_rows(kind_buttons, 1),
            *_rows(severity_buttons, 2),
            *_rows(quiet_buttons, 2),
        ]
    )


def confirm_delete(_: Translator) -> InlineKeyboardMarkup:
    """Yes or no to erasing everything about the chat."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _.plain("Yes, delete everything"), callback_data=f"{CB_DELETE}:yes"
                ),
                InlineKeyboardButton(_.plain("No, keep it"), callback_data=f"{CB_DELETE}:no"),
            ]
        ]
    )
