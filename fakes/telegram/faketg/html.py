"""Telegram's HTML parse mode, ported from tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp).

The error texts are tdlib's own; the Bot API server prefixes them with
"Can't parse entities: " and lower-cases the first letter. Byte offsets in the
errors are UTF-8 byte offsets into the original text, exactly as tdlib reports them.
"""

from __future__ import annotations

import re
from typing import Any

from faketg.entities import HtmlError, OpenTag, Parsed, close_entity, priority, utf16_len

__all__ = ["HtmlError", "Parsed", "parse_html", "utf16_len"]

_SPACE = frozenset(" \t\r\n\0\v")  # tdlib's is_space(); '\0' doubles as end of text
_SPECIAL = re.compile(r"[<&]")
_ASCII_ALPHA = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789abcdefABCDEF")
_NAME_TOKEN = _ASCII_ALPHA | _DIGITS | {".", "-"}
_ATTR_END = frozenset("=>/\"'")  # tdlib ends an attribute name at these
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAGS = frozenset(
    [
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "tg-time",
        "span",
        "pre",
        "code",
        "blockquote",
    ]
)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _decode_entity(s: str, pos: int) -> tuple[int, int]:
    """Decode the character reference at ``s[pos] == '&'``: (code point or 0, end index)."""
    n = len(s)
    end = pos + 1
    res = 0
    if end < n and s[end] == "#":
        end += 1
        if end < n and s[end] == "x":
            end += 1
            while end < n and s[end] in _HEX:
                res = res * 16 + int(s[end], 16)
                end += 1
        else:
            while end < n and s[end] in _DIGITS:
                res = res * 10 + int(s[end])
                end += 1
        if res == 0 or res >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while end < n and s[end] in _ASCII_ALPHA:
            end += 1
        named = _NAMED.get(s[pos + 1 : end])
        if named is None:
            return 0, pos  # unsupported literal entity: tdlib keeps the '&' as text
        res = ord(named)
    if end < n and s[end] == ";":
        end += 1
    return res, end


def _quoted(s: str, i: int) -> tuple[str, int]:
    """A quoted attribute value starting at ``s[i]``, references decoded; returns (value, end)."""
    n = len(s)
    quote = s[i]
    i += 1
    chars: list[str] = []
    while i < n and s[i] != quote:
        if s[i] == "&":
            code, end = _decode_entity(s, i)
            if code:
                chars.append(chr(code))
                i = end
                continue
        chars.append(s[i])
        i += 1
    return "".join(chars), (i + 1 if i < n else i)


def _start_tag(s: str, begin: int) -> tuple[OpenTag, int]:
    """Parse ``<tag attr=...>`` at ``begin``; returns the open tag and the index of its '>'."""
    n = len(s)

    def at(k: int) -> str:
        return s[k] if k < n else "\0"

    i = begin + 1
    while at(i) not in _SPACE and at(i) != ">":
        i += 1
    if i >= n:
        raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(s, begin)}")
    name = s[begin + 1 : i].lower()
    where = f"at byte offset {_byte_offset(s, begin)}"
    if name not in _TAGS:
        raise HtmlError(f'Unsupported start tag "{name}" {where}')
    argument = ""
    date = 0
    while at(i) != ">":
        while i < n and at(i) in _SPACE:
            i += 1
        if at(i) == ">":
            break
        attr_begin = i
        while at(i) not in _SPACE and at(i) not in _ATTR_END:
            i += 1
        attr = s[attr_begin:i]
        if not attr:
            raise HtmlError(f'Empty attribute name in the tag "{name}" {where}')
        while i < n and at(i) in _SPACE:
            i += 1
        if at(i) != "=":
            if i >= n:
                raise HtmlError(f'Unclosed start tag "{name}" {where}')
            if name == "blockquote" and attr == "expandable":
                argument = "1"
            continue  # attributes without a value are ignored
        i += 1
        while i < n and at(i) in _SPACE:
            i += 1
        if i >= n:
            raise HtmlError(f'Unclosed start tag "{name}" {where}')
        if at(i) not in "'\"":
            token_begin = i
            while at(i) in _NAME_TOKEN:
                i += 1
            value = s[token_begin:i].lower()
            if at(i) not in _SPACE and at(i) != ">":
                offset = _byte_offset(s, token_begin)
                raise HtmlError(f"Unexpected end of name token at byte offset {offset}")
        else:
            value, i = _quoted(s, i)
        if i >= n:
            raise HtmlError(f"Unclosed start tag {where}")
        if name == "a" and attr == "href":
            argument = value
        elif name == "code" and attr == "class" and value.startswith("language-"):
            argument = value[9:]
        elif name == "span" and attr == "class" and value.startswith("tg-"):
            argument = value[3:]
        elif name == "tg-emoji" and attr == "emoji-id":
            argument = value
        elif name == "blockquote" and attr == "expandable":
            argument = "1"
        elif name == "tg-time" and attr == "unix":
            date = int(value) if value.isdigit() else 0
        elif name == "tg-time" and attr == "format":
            argument = value
    if name == "span" and argument != "spoiler":
        raise HtmlError(f'Tag "span" must have class "tg-spoiler" {where}')
    return OpenTag(name, argument, date), i


def parse_html(s: str, *, strict_ampersand: bool = False) -> Parsed:
    """Parse Telegram HTML into plain text + entities, or raise HtmlError.

    ``strict_ampersand`` also rejects a bare '&'. Real Telegram accepts it as a
    literal (tdlib only decodes &lt; &gt; &amp; &quot; and numeric references and
    keeps anything else verbatim), but the Bot API docs say it must be escaped.
    """
    n = len(s)
    result: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[OpenTag] = []
    offset = 0  # UTF-16 offset of the end of `result`
    size = 0  # len("".join(result))
    surrogate = False
    i = 0
    while i < n:
        m = _SPECIAL.search(s, i)
        j = m.start() if m else n
        if j > i:
            chunk = s[i:j]
            result.append(chunk)
            offset += utf16_len(chunk)
            size += len(chunk)
            i = j
            if i >= n:
                break
        if s[i] == "&":
            code, end = _decode_entity(s, i)
            if code:
                surrogate |= 0xD800 <= code <= 0xDFFF
                result.append(chr(code))
                offset += 2 if code > 0xFFFF else 1
                size += 1
                i = end
                continue
            if strict_ampersand:
                raise HtmlError(f"Unescaped '&' at byte offset {_byte_offset(s, i)}")
            result.append("&")
            offset += 1
            size += 1
            i += 1
            continue
        begin = i
        if i + 1 < n and s[i + 1] == "/":
            if not stack:
                raise HtmlError(f"Unexpected end tag at byte offset {_byte_offset(s, begin)}")
            i += 2
            while i < n and s[i] not in _SPACE and s[i] != ">":
                i += 1
            end_name = s[begin + 2 : i].lower()
            while i < n and s[i] in _SPACE:
                i += 1
            if i >= n or s[i] != ">":
                raise HtmlError(f"Unclosed end tag at byte offset {_byte_offset(s, begin)}")
            top = stack[-1]
            if end_name and end_name != top.tag:
                raise HtmlError(
                    f"Unmatched end tag at byte offset {_byte_offset(s, begin)}, "
                    f'expected "</{top.tag}>", found "</{end_name}>"'
                )
            close_entity(top, result, offset, entities)
            stack.pop()
            i += 1
            continue
        if i + 1 >= n:
            raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(s, begin)}")
        tag, i = _start_tag(s, begin)
        tag.offset, tag.begin = offset, size
        stack.append(tag)
        i += 1
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    if surrogate:
        raise HtmlError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"], priority(e)))
    return Parsed("".join(result), entities)
