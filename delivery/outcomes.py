"""How one delivery attempt ended, in the engine's terms: Telegram's answer classified."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from delivery.http import NotReached
from delivery.limiter import retry_after_seconds
from domain.delivery.rules import EDIT_OF, Failure
from storage.delivery_queue import Claimed

_GONE = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated")
_NO_COPY = ("message to edit not found", "message can't be edited")


@dataclass(slots=True)
class Result:
    """How one row's attempt ended."""

    row: Claimed
    message_id: int | None = None
    failure: Failure | None = None
    skipped: bool = False
    error: str = ""
    retry_after: timedelta | None = None
    new_chat_id: int | None = None
    deferred: bool = False  # an edit whose original copy is still on its way


def classify(row: Claimed, exc: TelegramError) -> Result:
    """Telegram's answer in the engine's terms."""
    if isinstance(exc, RetryAfter):
        wait = timedelta(seconds=retry_after_seconds(exc))
        return Result(row, failure=Failure.RATE_LIMITED, error=exc.message, retry_after=wait)
    if isinstance(exc, ChatMigrated):
        return Result(row, failure=Failure.MIGRATED, error=exc.message, new_chat_id=exc.new_chat_id)
    if isinstance(exc, Forbidden):
        return Result(row, failure=Failure.GONE, error=exc.message)
    if isinstance(exc, BadRequest):
        text = exc.message.lower()
        if row.kind in EDIT_OF and any(n in text for n in _NO_COPY):
            return Result(row, skipped=True, error=exc.message)
        gone = any(n in text for n in _GONE)
        return Result(row, failure=Failure.GONE if gone else Failure.REJECTED, error=exc.message)
    if isinstance(exc, NotReached):
        return Result(row, failure=Failure.UNREACHABLE, error=exc.message)
    return Result(row, failure=Failure.TRANSIENT, error=exc.message or type(exc).__name__)
