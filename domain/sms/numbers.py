"""Phone numbers as the SMS service sees them: normalised to international digits, masked."""

from __future__ import annotations

# SMS rows of the delivery outbox address a recipient by a chat key outside Telegram's range
# (chat ids have at most 52 significant bits): every Telegram-chat query leaves them alone.
SMS_CHAT_BASE = -(1 << 53)


def sms_chat(recipient_id: int) -> int:
    """The outbox chat key of an SMS recipient."""
    return SMS_CHAT_BASE - recipient_id


def recipient_of(chat_key: int) -> int:
    """The SMS recipient an outbox chat key addresses."""
    return SMS_CHAT_BASE - chat_key


def normalize_number(raw: str, *, country: str = "92") -> str | None:
    """International digits without '+' (923001234567), or None if it is not a phone number.
    A national number (03001234567) takes the country code."""
    text = raw.strip()
    digits = "".join(c for c in text if c.isdigit())
    if not digits or any(not (c.isdigit() or c in "+-() ") for c in text):
        return None
    if text.startswith("+") or text.startswith("00"):
        digits = digits.removeprefix("00") if text.startswith("00") else digits
    elif digits.startswith("0"):
        digits = country + digits[1:]
    return digits if 8 <= len(digits) <= 15 else None


def mask_number(number: str) -> str:
    """+92 ••• •••4567: enough for its owner to recognise, too little to use."""
    return f"+{number[:2]} ••• •••{number[-4:]}"
