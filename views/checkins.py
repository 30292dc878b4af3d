"""What check-ins, the all-quiet note and the service line look like, and the alert keyboard."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import N_, Translator
from domain.alerts import Alert
from domain.checkins import Answer, CheckinCounts, Refusal, asks_checkin, shown
from domain.gazetteer import District, Gazetteer
from domain.preferences import Preferences
from views import keyboards
from views.keyboards import TICK
from views.residents import settings_text
from views.staff import age, number

CB_CHECKIN = "ci"  # ci:<alert reference>:<safe|help|left>
CB_QUIET_NOTE = "qn"  # qn:<local minute> | qn:off, from /settings
QUIET_NOTE_PRESETS = (7 * 60, 20 * 60)
ButtonRows = list[list[InlineKeyboardButton]]

ANSWER_LABELS = {
    Answer.SAFE: N_("✅ I'm safe"),
    Answer.HELP: N_("🆘 I need help"),
    Answer.LEFT: N_("🚶 I had to leave"),
}
ANSWER_MARKS = {Answer.SAFE: "✅", Answer.HELP: "🆘", Answer.LEFT: "🚶"}


def checkin_rows(_: Translator, alert: Alert) -> ButtonRows:
    """The three check-in buttons under a Severe or Extreme real alert; none under others."""
    if not asks_checkin(alert):
        return []
    buttons = [
        InlineKeyboardButton(
            _.plain(label), callback_data=f"{CB_CHECKIN}:{alert.identifier}:{answer.value}"
        )
        for answer, label in ANSWER_LABELS.items()
    ]
    return [buttons[:2], buttons[2:]]


def alert_keyboard(*parts: ButtonRows) -> InlineKeyboardMarkup | None:
    """The keyboard under a delivered alert: every part's rows in order (None when empty), so
    other rows (such as a mute button) compose with the check-in ones."""
    rows = [row for part in parts for row in part if row]
    return InlineKeyboardMarkup(rows) if rows else None


def thanks(_: Translator, answer: Answer, *, changed: bool) -> str:
    """The short acknowledgement of a tap (shown as a pop-up)."""
    if answer is Answer.SAFE:
        text = _.plain("Thank you. We recorded that you are safe.")
    elif answer is Answer.HELP:
        text = _.plain("Thank you. We recorded that you need help.")
    else:
        text = _.plain("Thank you. We recorded that you had to leave.")
    if changed:
        text += " " + _.plain("Your earlier answer was replaced.")
    return text


def need_help(_: Translator, district: District | None, numbers: Sequence[str]) -> str:
    """Where to call, from the gazetteer, and plainly that nobody is sent by this service."""
    name = district.display_name(_.language) if district else "?"
    lines = [
        _(
            "🆘 <b>Khabardar cannot send help.</b> Nobody is dispatched; your answer is only "
            "counted for aid agencies."
        )
    ]
    if numbers:
        lines.append(
            _(
                "Emergency numbers for {district}: {numbers}",
                district=name,
                numbers=_.plain(", ").join(numbers),
            )
        )
    else:
        lines.append(
            _(
                "We have no verified emergency numbers for {district}. "
                "Ask neighbours, the local police or a hospital.",
                district=name,
            )
        )
    return _.finish("\n".join(lines))


def refused(_: Translator, why: Refusal) -> str:
    """Why a tap was not recorded (shown as a pop-up)."""
    if why is Refusal.CLOSED:
        return _.plain("This alert has ended, was updated or cancelled: your answer was not saved.")
    if why is Refusal.NOT_RECIPIENT:
        return _.plain("Only the chat this alert was sent to can answer under it.")
    return _.plain("This alert does not take answers.")


def too_many_taps(_: Translator) -> str:
    """A flood of taps: the latest was not saved."""
    return _.plain("Too many taps. Please wait a minute, then tap once.")


def count_text(_: Translator, count: int) -> str:
    """A count as staff see it: 'fewer than 5' below five, so a lone answer is not traceable."""
    value = shown(count)
    return _.plain("fewer than 5") if value is None else number(_, value)


def checkin_lines(
    _: Translator, counts: Iterable[CheckinCounts], *, gazetteer: Gazetteer
) -> list[str]:
    """One line per alert and district: how many answered each way, never who."""
    lines: list[str] = []
    for c in counts:
        district = gazetteer.get(c.district)
        lines.append(
            _(
                "🙋 {reference} · {district}: ✅ {safe} · 🆘 {help} · 🚶 {left}",
                reference=c.alert,
                district=district.display_name(_.language) if district else c.district,
                safe=count_text(_, c.safe),
                help=count_text(_, c.help),
                left=count_text(_, c.left),
            )
        )
    return lines


def checkins_block(
    _: Translator, counts: Sequence[CheckinCounts], *, gazetteer: Gazetteer
) -> list[str]:
    """The check-in section of /status and /report (empty when nobody answered)."""
    if not counts:
        return []
    heading = _("<b>Check-ins</b> (✅ safe · 🆘 need help · 🚶 had to leave)")
    return ["", heading, *checkin_lines(_, counts, gazetteer=gazetteer)]


def service_line(
    _: Translator, *, reached: datetime | None, now: datetime, queue_depth: int
) -> str:
    """When the bot last reached Telegram, and how many messages wait to be sent."""
    when = age(_, reached, now) if reached is not None else _.plain("not yet")
    return _(
        "🤖 Last reached Telegram: {when} · queue: {depth} waiting",
        when=when,
        depth=number(_, queue_depth),
    )


def quiet_note(_: Translator, districts: Sequence[District]) -> str:
    """The daily all-quiet note, one short line."""
    names = _.plain(", ").join(d.display_name(_.language) for d in districts)
    return _(
        "No verified alerts for {districts} in the last 24 h. Khabardar is running.",
        districts=names,
    )


def clock(minute: int) -> str:
    """A local minute of the day as 07:30."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def quiet_note_setting(_: Translator, minute: int | None) -> str:
    """The /settings line about the daily all-quiet note."""
    if minute is None:
        return _("Daily all-quiet note: off. Send /allquiet 08:00 to get one every day.")
    return _(
        "Daily all-quiet note: at {time} when nothing was verified for your districts in 24 h "
        "(/allquiet off to stop).",
        time=clock(minute),
    )


def quiet_note_rows(_: Translator, minute: int | None) -> ButtonRows:
    """Preset times for the all-quiet note, and off; the current choice ticked."""
    buttons = [
        InlineKeyboardButton(
            (TICK if minute is None else "") + _.plain("No daily note"),
            callback_data=f"{CB_QUIET_NOTE}:off",
        )
    ] + [
        InlineKeyboardButton(
            (TICK if minute == preset else "") + "🌙 " + clock(preset),
            callback_data=f"{CB_QUIET_NOTE}:{preset}",
        )
        for preset in QUIET_NOTE_PRESETS
    ]
    return [buttons]


def quiet_note_usage(_: Translator) -> str:
    """The answer to a time that is not one."""
    return _(
        "Please give a time of day, for example /allquiet 08:00 or /allquiet ۸:۳۰. "
        "/allquiet off stops the daily note."
    )


def quiet_note_saved(_: Translator, minute: int | None) -> str:
    """The answer once the note's time is saved."""
    if minute is None:
        return _("The daily all-quiet note is off.")
    return _(
        "Saved. Every day at {time}, if nothing was verified for your districts in the last "
        "24 hours, you get one short line saying so.",
        time=clock(minute),
    )


def settings_screen(
    _: Translator, prefs: Preferences, note_minute: int | None
) -> tuple[str, InlineKeyboardMarkup]:
    """The /settings message with the all-quiet note's line and buttons below the filters."""
    text = _.finish(settings_text(_, prefs) + "\n\n" + quiet_note_setting(_, note_minute))
    rows = [list(row) for row in keyboards.settings(_, prefs).inline_keyboard]
    return text, InlineKeyboardMarkup([*rows, *quiet_note_rows(_, note_minute)])


def stored_lines(_: Translator, note_minute: int | None, answers: int) -> str:
    """What /mydata adds for this feature: the note's time and how many answers are kept."""
    note = clock(note_minute) if note_minute is not None else _.plain("off")
    return _(
        "Daily all-quiet note: {note}\n"
        "Your answers under alerts (safe, need help, had to leave): {answers} "
        "(erased after 30 days)",
        note=note,
        answers=answers,
    )
