"""Logging filters for what python-telegram-bot logs about Telegram's answers."""

from __future__ import annotations

import logging

PTB_REQUEST_LOG = "telegram.request.BaseRequest"
_INVALID_JSON = "Can not load invalid JSON data"


class InvalidJsonIsAWarning(logging.Filter):
    """PTB logs a traceback and the whole body when a 5xx comes back as a proxy's HTML page.

    The request then raises a NetworkError, which the caller handles (a retry, a warning); the
    log line is one warning without the body, which could be long and is never ours to keep.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Turn PTB's invalid-JSON error into a one-line warning."""
        if isinstance(record.msg, str) and record.msg.startswith(_INVALID_JSON):
            record.msg, record.args = "Telegram answered with a body that is not JSON", ()
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


def quiet_telegram_request_logs() -> None:
    """Install the filter (idempotent: a filter already there is not added twice)."""
    logging.getLogger(PTB_REQUEST_LOG).addFilter(_FILTER)


_FILTER = InvalidJsonIsAWarning()
