"""Phone numbers at rest: Fernet-encrypted, found again by a keyed hash (SMS_NUMBER_KEY)."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class NumberVault:
    """Encrypts numbers for storage and hashes them for lookup; the key never leaves it."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())  # raises ValueError for a malformed key
        # A separate key for the lookup hash, derived so one secret configures both.
        self._lookup = hmac.new(key.encode(), b"khabardar sms lookup", hashlib.sha256).digest()

    def seal(self, number: str) -> str:
        """The stored form of a number."""
        return self._fernet.encrypt(number.encode()).decode()

    def open(self, token: str) -> str | None:
        """The number back, or None if the token was made with another key."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None

    def lookup(self, number: str) -> str:
        """The keyed hash an inbound number is found by (hex)."""
        return hmac.new(self._lookup, number.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def new_key() -> str:
        """A fresh key for SMS_NUMBER_KEY."""
        return Fernet.generate_key().decode()
