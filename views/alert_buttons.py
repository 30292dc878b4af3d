"""The buttons under an alert as delivered to a chat: one composable list of rows.

Each feature that puts a button under delivered alerts adds its rows in `delivered_rows`
(check-ins under Severe or Extreme real alerts, then the mute button), and
`views.checkins.alert_keyboard` turns them into the one keyboard the sender attaches.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import Translator
from domain.alerts import Alert, MsgType
from views.checkins import ButtonRows, alert_keyboard, checkin_rows

CB_MUTE = "mute"  # mute:<alert identifier>, "I'm safe — mute updates for an hour"


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
    return [*checkin_rows(_, alert), *mute_rows(_, alert)]


def delivered_keyboard(_: Translator, alert: Alert) -> InlineKeyboardMarkup | None:
    """The keyboard under a delivered alert, or None when it has no buttons."""
    return alert_keyboard(delivered_rows(_, alert))
