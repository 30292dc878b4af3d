"""Validation of message text and inline keyboards, with the Bot API's error texts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from faketg.entities import Parsed, to_html, trim, utf16_len
from faketg.errors import bad_request
from faketg.html import HtmlError, parse_html
from faketg.models import Button
from faketg.params import Params

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_BUTTONS = 100
_OTHER_BUTTON_KINDS = (
    "callback_game",
    "pay",
    "switch_inline_query",
    "switch_inline_query_chosen_chat",
    "switch_inline_query_current_chat",
    "login_url",
    "web_app",
    "copy_text",
)


@dataclass(frozen=True, slots=True)
class Text:
    """A parsed text or caption."""

    raw: str
    plain: str
    html: str
    entities: list[dict[str, Any]]
    parse_mode: str | None


def parse_text(
    raw: str, parse_mode: str, entities: Any, *, caption: bool, strict_html: bool
) -> Text:
    """Parse entities, trim, and enforce the length limits.

    Lengths are counted after entity parsing in UTF-16 code units. tdlib itself
    checks code points (``utf8_length(text) > message_text_length_max``) and the
    MTProto server's MESSAGE_TOO_LONG maps to the same "message is too long";
    UTF-16 is the stricter of the two, so text accepted here is accepted there.
    """
    if len(raw) > 8192 and len(raw.encode("utf-8")) > 1 << 15:
        raise bad_request("Text is too long")  # the Bot API's own cap, before parsing
    mode = parse_mode.strip().lower()
    if mode in ("", "none"):
        given = entities if isinstance(entities, list) else []
        parsed = Parsed(raw, [e for e in given if isinstance(e, dict)])
    elif mode == "html":
        try:
            parsed = parse_html(raw, strict_ampersand=strict_html)
        except HtmlError as exc:
            raise bad_request(f"Can't parse entities: {exc}") from None
    elif mode in ("markdown", "markdownv2"):
        parsed = Parsed(raw, [])  # limitation: Markdown is accepted verbatim, not parsed
    else:
        raise bad_request("Unsupported parse_mode")
    parsed = trim(parsed)
    length = utf16_len(parsed.text)
    if caption:
        if length > MAX_CAPTION:
            raise bad_request("Message caption is too long")
    else:
        if not parsed.text:
            raise bad_request("Text must be non-empty")  # tdlib's fix_formatted_text
        if length > MAX_TEXT:
            raise bad_request("Message is too long")
    html = raw if mode == "html" else to_html(parsed.text)
    return Text(raw, parsed.text, html, parsed.entities, parse_mode or None)


def parse_markup(params: Params) -> tuple[dict[str, Any] | None, list[list[Button]]]:
    """reply_markup as stored/echoed, and its inline buttons."""
    markup = params.get_json("reply_markup", "reply keyboard markup")
    if markup is None:
        return None, []
    if not isinstance(markup, dict):
        raise bad_request("Object expected as reply markup")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup, []  # reply keyboards are accepted but not echoed in Message objects
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    if sum(len(r) for r in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    echo: list[list[dict[str, Any]]] = []
    buttons: list[list[Button]] = []
    for row in rows:
        if not row:
            continue
        echo.append([])
        buttons.append([])
        for raw in row:
            button = _button(raw)
            buttons[-1].append(button)
            echo[-1].append({k: v for k, v in raw.items() if v is not None})
    return ({"inline_keyboard": echo} if echo else None), buttons


def _button(raw: Any) -> Button:
    where = "Can't parse inline keyboard button: "
    if not isinstance(raw, dict):
        raise bad_request(where + "InlineKeyboardButton must be an Object")
    text = raw.get("text")
    if not isinstance(text, str):
        raise bad_request(where + 'Field "text" must be of type String')
    url = raw.get("url") or None
    data = raw.get("callback_data") or None
    if url is not None:
        parts = urlsplit(str(url))
        if parts.scheme.lower() not in ("http", "https", "tg") or not (
            parts.netloc or parts.scheme == "tg"
        ):
            raise bad_request("BUTTON_URL_INVALID")
        return Button(text, None, str(url))
    if data is not None:
        if not isinstance(data, str) or len(data.encode("utf-8")) > 64:
            raise bad_request("BUTTON_DATA_INVALID")
        return Button(text, data, None)
    if any(kind in raw for kind in _OTHER_BUTTON_KINDS):
        return Button(text)
    raise bad_request(where + "Text buttons are unallowed in the inline keyboard")


def same_markup(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Equal for "message is not modified" purposes (only inline keyboards count)."""

    def key(m: dict[str, Any] | None) -> Any:
        return (m or {}).get("inline_keyboard") or []

    return bool(key(a) == key(b))
