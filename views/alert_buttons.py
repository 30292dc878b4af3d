"""The buttons under an alert as delivered to a chat: one composable list of rows.

Each feature that puts a button under delivered alerts adds its rows in `delivered_rows`, so
the sender attaches one keyboard however many features there are.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import Translator
from domain.alerts import Alert, MsgType

CB_MUTE = "mute"  # mute:<alert identifier>, "I'm safe — mute updates for an hour"

ButtonRows = list[list[InlineKeyboardButton]]


def mute_rows(_: Translator, alert: Alert) -> ButtonRows:
    """The mute button; a cancel has no updates left to mute."""
    if alert.msg_type is MsgType.CANCEL:
        return []
    return [
        [
            InlineKeyboardButton(
                _.plain("🔕 I'm safe — mute updates for an hour"),
                callback_data=f"{CB_MUTE}:{alert.identifier}",
            )
        ]
    ]


def delivered_rows(_: Translator, alert: Alert) -> ButtonRows:
    """Every row of buttons under a delivered alert, in order (extend here)."""
    return [*mute_rows(_, alert)]


def delivered_keyboard(_: Translator, alert: Alert) -> InlineKeyboardMarkup | None:
    """The keyboard under a delivered alert, or None when it has no buttons."""
    rows = delivered_rows(_, alert)
    return InlineKeyboardMarkup(rows) if rows else None
