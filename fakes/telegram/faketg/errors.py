"""Bot API error responses, shaped and worded like the real server's.

Wording comes from tdlib/telegram-bot-api (Client.cpp ``fail_query_with_error``):
tdlib's messages get a "Bad Request: " prefix with their first letter lower-cased;
MTProto error codes (ALL_CAPS) pass through unchanged.
"""

from __future__ import annotations

import math
from typing import Any


class ApiError(Exception):
    """A Bot API failure: becomes {"ok": false, "error_code", "description", "parameters"}."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would send."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(message: str, parameters: dict[str, Any] | None = None) -> ApiError:
    """400 with Telegram's capitalisation rule applied to ``message``."""
    if len(message) >= 2 and (message[1] == "_" or message[1].isupper()):
        text = message  # MTProto codes like BUTTON_DATA_INVALID stay as they are
    else:
        text = message[:1].lower() + message[1:]
    return ApiError(400, f"Bad Request: {text}", parameters)


def forbidden(message: str) -> ApiError:
    """403, e.g. "bot was blocked by the user"."""
    return ApiError(403, f"Forbidden: {message}")


def too_many_requests(retry_after: float, *, second: float = 1.0) -> ApiError:
    """429 with parameters.retry_after, a whole number of seconds >= 1 as Telegram sends.

    ``retry_after`` is real seconds. A fake whose second is shortened (Faults.second) reports
    the same whole number of its own seconds, in real seconds: 0.1 s for "1" at second=0.1.
    """
    whole = max(1, math.ceil(retry_after / second - 1e-9))
    seconds: float = whole if second == 1.0 else whole * second
    return ApiError(429, f"Too Many Requests: retry after {seconds:g}", {"retry_after": seconds})


def server_error(status: int) -> ApiError:
    """A 5xx; the body is JSON like the Bot API's own 500 (502s are handled by the server)."""
    return ApiError(status, "Internal Server Error" if status == 500 else "Bad Gateway")


UNAUTHORIZED = ApiError(401, "Unauthorized")
METHOD_NOT_FOUND = ApiError(404, "Not Found: method not found")
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
# nginx in front of api.telegram.org answers 502 with an HTML page, not JSON.
BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
