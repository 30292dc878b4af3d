"""Resident commands and buttons: language, districts, routes, preferences, muting, own data."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core.context import KhabardarApp
from handlers.residents import sms_number
from handlers.residents.attention import mute_alert_updates
from handlers.residents.channels import channel_only
from handlers.residents.checkins import CheckinButtons, quiet_note_chosen, set_quiet_note_time
from handlers.residents.corridors import choose_route, remove_route_button
from handlers.residents.location import location_shared, share_button_typed
from handlers.residents.onboarding import (
    COMMANDS,
    choose_language,
    language_chosen,
    show_help,
    start,
)
from handlers.residents.preferences import change_setting, set_quiet_hours, show_settings
from handlers.residents.privacy import ask_delete, confirm_delete, my_data
from handlers.residents.subscriptions import (
    choose_candidate,
    close_picker,
    follow_from_picker,
    my_subscriptions,
    place_names_typed,
    remove_button,
    show_division,
    show_divisions,
    subscribe,
    unsubscribe,
)
from views import keyboards, location
from views.alert_buttons import CB_MUTE
from views.channels import CB_CHANNEL_ONLY
from views.checkins import CB_CHECKIN, CB_QUIET_NOTE
from views.corridors import CB_ROUTE_ON, CB_ROUTE_REMOVE

__all__ = ["COMMANDS", "register", "register_free_text"]


def register(app: KhabardarApp) -> None:
    """Add the resident handlers, most specific first."""
    app.add_handlers(
        [
            CommandHandler("start", start),
            CommandHandler("help", show_help),
            CommandHandler("subscribe", subscribe),
            CommandHandler("unsubscribe", unsubscribe),
            CommandHandler("mysubs", my_subscriptions),
            CommandHandler("language", choose_language),
            CommandHandler("settings", show_settings),
            CommandHandler("quiet", set_quiet_hours),
            CommandHandler("mydata", my_data),
            CommandHandler("delete", ask_delete),
            CommandHandler("sms", sms_number.ask_number),
            MessageHandler(filters.CONTACT, sms_number.number_shared),
            MessageHandler(filters.LOCATION, location_shared),
            MessageHandler(
                filters.TEXT & filters.Regex(rf"^{location.PIN}") & ~filters.COMMAND,
                share_button_typed,
            ),
            CallbackQueryHandler(language_chosen, pattern=rf"^{keyboards.CB_LANGUAGE}:[sl]:\w+$"),
            CallbackQueryHandler(show_divisions, pattern=rf"^{keyboards.CB_DIVISIONS}$"),
            CallbackQueryHandler(show_division, pattern=rf"^{keyboards.CB_DIVISION}:\d+$"),
            CallbackQueryHandler(
                follow_from_picker, pattern=rf"^({keyboards.CB_ON}|{keyboards.CB_OFF}):[\w-]+$"
            ),
            CallbackQueryHandler(close_picker, pattern=rf"^{keyboards.CB_DONE}$"),
            CallbackQueryHandler(remove_button, pattern=rf"^{keyboards.CB_REMOVE}:[\w-]+$"),
            CallbackQueryHandler(choose_candidate, pattern=rf"^{keyboards.CB_CHOOSE}:[\w-]+$"),
            CallbackQueryHandler(choose_route, pattern=rf"^{CB_ROUTE_ON}:[\w-]{{1,32}}$"),
            CallbackQueryHandler(
                remove_route_button, pattern=rf"^{CB_ROUTE_REMOVE}:[\w-]{{1,32}}$"
            ),
            CallbackQueryHandler(mute_alert_updates, pattern=rf"^{CB_MUTE}:[\w-]{{1,20}}$"),
            CallbackQueryHandler(change_setting, pattern=rf"^{keyboards.CB_SETTINGS}:"),
            CallbackQueryHandler(confirm_delete, pattern=rf"^{keyboards.CB_DELETE}:(yes|no)$"),
            CallbackQueryHandler(channel_only, pattern=rf"^{CB_CHANNEL_ONLY}:[\w-]+$"),
            CommandHandler("allquiet", set_quiet_note_time),
            CallbackQueryHandler(
                CheckinButtons(), pattern=rf"^{CB_CHECKIN}:[\w-]{{1,30}}:(safe|help|left)$"
            ),
            CallbackQueryHandler(quiet_note_chosen, pattern=rf"^{CB_QUIET_NOTE}:(off|\d{{1,4}})$"),
        ]
    )


def register_free_text(app: KhabardarApp) -> None:
    """Plain messages: read them as place names. Registered after every other audience."""
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, place_names_typed))
