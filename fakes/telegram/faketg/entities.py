"""Entity helpers shared by the parsers: UTF-16 lengths, link checks, ordering, trimming."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
}
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",  # only class="tg-spoiler" is accepted, checked at the start tag
}
TRIM = " \t\r\n"  # what Telegram trims around a message text


class HtmlError(ValueError):
    """The text does not parse; ``str(exc)`` is tdlib's message."""


@dataclass(slots=True)
class OpenTag:
    """A start tag waiting for its end tag."""

    tag: str
    argument: str
    date: int = 0  # <tg-time unix=...>
    offset: int = 0  # UTF-16 offset in the result
    begin: int = 0  # index in the result string, for <a> without href


@dataclass(slots=True)
class Parsed:
    """Plain text (what the user sees) and the Bot API entities."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of entity offsets."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def check_link(url: str) -> str | None:
    """Roughly tdlib's LinkManager::get_checked_link: None means "drop the entity".

    Adds http:// to bare domains and "/" to an empty path, as Telegram does.
    """
    if not url or url != url.strip():
        return None
    if ":" in url.split("/", 1)[0].split("?", 1)[0]:
        scheme = url.split(":", 1)[0].lower()
        if scheme in ("tg", "ton"):
            return url
        if scheme not in ("http", "https"):
            return None
    elif re.match(r"^[\w-]+(\.[\w-]+)*\.[a-zA-Z]{2,}(:\d+)?([/?#]|$)", url):
        url = "http://" + url
    else:
        return None
    parts = urlsplit(url)
    if not parts.netloc or " " in url:
        return None
    if not parts.path:
        url = url.replace(parts.netloc, parts.netloc + "/", 1)
    return url


def link_user_id(url: str) -> int:
    """tg://user?id=N links become text_mention entities."""
    if not url.lower().startswith(("tg://user?", "tg:user?")):
        return 0
    ids = parse_qs(url.split("?", 1)[1]).get("id", [""])
    return int(ids[0]) if ids[0].isdigit() else 0


def priority(entity: dict[str, Any]) -> int:
    """tdlib's get_type_priority, the tie-break of sort_entities."""
    kind = entity["type"]
    if kind == "pre":
        return 10 if entity.get("language") else 11
    return _PRIORITY.get(kind, 50)


def trim(parsed: Parsed) -> Parsed:
    """Strip surrounding whitespace like Telegram does, shifting and clipping entities."""
    text = parsed.text
    stripped_left = text.lstrip(TRIM)
    body = stripped_left.rstrip(TRIM)
    if body == text:
        return parsed
    shift = utf16_len(text[: len(text) - len(stripped_left)])
    limit = utf16_len(body)
    entities = []
    for entity in parsed.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return Parsed(body, entities)


def to_html(text: str) -> str:
    """Escape plain text the way a bot would before sending it as HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def close_entity(
    tag: OpenTag, result: list[str], offset: int, entities: list[dict[str, Any]]
) -> None:
    """Turn a closed tag into an entity, as tdlib does (empty tags give none)."""
    name, argument, start, begin = tag.tag, tag.argument, tag.offset, tag.begin
    length = offset - start
    if length <= 0:
        return
    if name in _SIMPLE:
        entities.append({"type": _SIMPLE[name], "offset": start, "length": length})
    elif name == "blockquote":
        kind = "expandable_blockquote" if argument else "blockquote"
        entities.append({"type": kind, "offset": start, "length": length})
    elif name == "tg-time":
        if argument not in ("r", "R") and set(argument) - set("tTdDwW"):
            raise HtmlError("Invalid date format used")
        if tag.date > 0:
            entity = {"type": "date_time", "offset": start, "length": length, "unix_time": tag.date}
            entities.append(
                {**entity, "date_time_format": argument.lower() if argument == "R" else argument}
            )
    elif name == "tg-emoji":
        if not argument.isdigit() or int(argument) == 0:
            raise HtmlError("Invalid custom emoji identifier specified")
        entities.append(
            {
                "type": "custom_emoji",
                "offset": start,
                "length": length,
                "custom_emoji_id": argument,
            }
        )
    elif name == "a":
        url = argument or "".join(result)[begin:]
        user = link_user_id(url)
        if user:
            mention = {"id": user, "is_bot": False, "first_name": ""}
            entities.append(
                {"type": "text_mention", "offset": start, "length": length, "user": mention}
            )
        elif (checked := check_link(url)) is not None:
            entities.append(
                {"type": "text_link", "offset": start, "length": length, "url": checked}
            )
    elif name == "pre":
        last = entities[-1] if entities else None
        same = last and (last["type"], last["offset"], last["length"]) == ("code", start, length)
        if last and same and last.get("language"):
            last["type"] = "pre"  # <pre><code class="language-x"> is one pre entity
            return
        entities.append({"type": "pre", "offset": start, "length": length})
    elif name == "code":
        last = entities[-1] if entities else None
        same = (
            last and last["type"] == "pre" and (last["offset"], last["length"]) == (start, length)
        )
        if last and same and argument:
            last["language"] = argument
        else:
            entity = {"type": "code", "offset": start, "length": length}
            if argument:
                entity["language"] = argument  # dropped below unless a <pre> absorbs it
            entities.append(entity)
