"""/sms: a Telegram resident adds their own number for SMS while their district is cut off."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from core.context import Context
from domain.sms.numbers import mask_number, normalize_number
from handlers.common import argument_text, load_resident
from usecases import sms as sms_usecases


async def _answer(update: Update, text: str, markup: object = None) -> None:
    message = update.effective_message
    assert message is not None
    keyboard = markup if markup is not None else ReplyKeyboardRemove()
    await message.reply_text(text, reply_markup=keyboard, do_quote=False)  # type: ignore[arg-type]


async def ask_number(update: Update, context: Context) -> None:
    """Explain the SMS fallback and offer Telegram's share-my-number button (/sms off erases)."""
    resident, _ = await load_resident(update, context)
    services = context.services
    vault = services.settings.number_vault()
    if vault is None:
        await _answer(update, _("SMS alerts are not available on this service."))
        return
    if resident is None:
        await _answer(update, _("Send /start and choose your districts first."))
        return
    if argument_text(update).strip().lower() == "off":
        erased = await sms_usecases.erase_fallback(
            database=services.database, chat_id=resident.chat_id
        )
        await _answer(
            update, _("Your number is erased.") if erased else _("No number is stored for you.")
        )
        return
    button = KeyboardButton(_.plain("📱 Share my number"), request_contact=True)
    await _answer(
        update,
        _(
            "If mobile data is cut in your districts, Khabardar can send you alerts by SMS "
            "instead. That means storing your phone number (encrypted) until you send "
            "<code>/sms off</code> or /delete. Only operators' declared shutdowns trigger SMS; "
            "your number is never shared. Tap the button to share your own number."
        ),
        ReplyKeyboardMarkup([[button]], one_time_keyboard=True, resize_keyboard=True),
    )


async def number_shared(update: Update, context: Context) -> None:
    """Keep the resident's own shared number; anyone else's contact is refused."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.contact is not None and user is not None
    resident, _ = await load_resident(update, context)
    services = context.services
    vault = services.settings.number_vault()
    if vault is None or resident is None:
        await _answer(update, _("SMS alerts are not available on this service."))
        return
    if message.contact.user_id != user.id:
        await _answer(update, _("Only your own number can be added: send /sms and tap the button."))
        return
    number = normalize_number(message.contact.phone_number)
    if number is None:
        await _answer(update, _("That does not look like a phone number."))
        return
    await sms_usecases.set_fallback(
        database=services.database,
        vault=vault,
        chat_id=resident.chat_id,
        number=number,
        language=resident.language,
        now=datetime.now(UTC),
    )
    await _answer(
        update,
        _(
            "Saved {number}. While a data shutdown is declared in your districts you get "
            "alerts by SMS instead. <code>/sms off</code> erases it.",
            number=mask_number(number),
        ),
    )
