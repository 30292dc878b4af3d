"""GSM 03.38 (GSM-7) and UCS-2 text as SMPP carries it: alphabet, length, segments, payloads.

Limits (3GPP TS 23.038/23.040): a single SMS holds 160 GSM-7 septets or 70 UCS-2 characters;
a part of a concatenated one 153 septets or 67 characters beside its 6-octet header (8-bit
reference), 140 octets on the air either way. Extension characters (€ [ ] { } ^ | ~ \\ and
form feed) cost two septets and are never split from their escape; a surrogate pair (an emoji)
is never split either. Urdu and Pashto always need UCS-2.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

# GSM 03.38 default alphabet, by code. 0x1B is the escape to the extension table; 0x5F is §
# (smpplib 2.2.4 maps it to a backtick, one reason this module does its own encoding).
_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENSION = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}
_ESCAPE = 0x1B
_CODE = {c: i for i, c in enumerate(_BASIC) if i != _ESCAPE}
assert len(_BASIC) == 128


class Coding(enum.IntEnum):
    """The SMPP data_coding of a message."""

    GSM7 = 0  # the SMSC's default alphabet: GSM 03.38, one septet per octet in short_message
    UCS2 = 8  # UTF-16 big-endian (surrogate pairs for characters outside the BMP)

    @property
    def single(self) -> int:
        """Units (septets or UTF-16 code units) of a message sent in one part."""
        return 160 if self is Coding.GSM7 else 70

    @property
    def part(self) -> int:
        """Units of one part of a concatenated message."""
        return 153 if self is Coding.GSM7 else 67


# Typographic punctuation with a GSM look-alike: one en dash would make a Latin message UCS-2,
# halving its room (and doubling its cost).
_LOOKALIKES = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "}
)


def gsm_friendly(text: str) -> str:
    """The text with typographic punctuation replaced by GSM look-alikes."""
    return text.translate(_LOOKALIKES)


def coding_of(text: str) -> Coding:
    """GSM-7 when every character is in the GSM alphabet, else UCS-2."""
    if all(c in _CODE or c in _EXTENSION for c in text):
        return Coding.GSM7
    return Coding.UCS2


def _unit(c: str, coding: Coding) -> int:
    if coding is Coding.GSM7:
        return 2 if c in _EXTENSION else 1
    return 2 if ord(c) > 0xFFFF else 1


def units(text: str, coding: Coding | None = None) -> int:
    """Length in the coding's units: septets for GSM-7, UTF-16 code units for UCS-2."""
    coding = coding or coding_of(text)
    return sum(_unit(c, coding) for c in text)


def split(text: str, coding: Coding | None = None) -> list[str]:
    """The parts the text is sent in (one, or concatenated parts); never splits a character."""
    coding = coding or coding_of(text)
    if units(text, coding) <= coding.single:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for c in text:
        cost = _unit(c, coding)
        if used + cost > coding.part:
            parts.append("".join(current))
            current, used = [], 0
        current.append(c)
        used += cost
    parts.append("".join(current))
    return parts


def segment_count(text: str) -> int:
    """How many SMS the text costs (aggregators bill per segment)."""
    return len(split(text)) if text else 1


def encode(text: str, coding: Coding) -> bytes:
    """The short_message octets of one part, without a user data header."""
    if coding is Coding.UCS2:
        return text.encode("utf-16-be")
    out = bytearray()
    for c in text:
        if c in _EXTENSION:
            out += bytes((_ESCAPE, _EXTENSION[c]))
        else:
            out.append(_CODE[c])
    return bytes(out)


def decode(data: bytes, data_coding: int) -> str:
    """An inbound short_message as text: UCS-2 (8), GSM-7 unpacked (0) or Latin-1 (3)."""
    if data_coding == Coding.UCS2:
        return data.decode("utf-16-be", errors="replace")
    if data_coding == 3:
        return data.decode("latin-1")
    reverse_ext = {v: k for k, v in _EXTENSION.items()}
    out: list[str] = []
    escaped = False
    for octet in data:
        if escaped:
            out.append(reverse_ext.get(octet, " "))
            escaped = False
        elif octet == _ESCAPE:
            escaped = True
        elif octet < 128:
            out.append(_BASIC[octet])
        else:
            out.append("?")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Encoded:
    """A message ready for submit_sm: its coding and one payload per part (UDH included)."""

    coding: Coding
    payloads: tuple[bytes, ...]

    @property
    def concatenated(self) -> bool:
        """Whether the parts carry a user data header (esm_class UDHI)."""
        return len(self.payloads) > 1

    @classmethod
    def of(cls, text: str, *, reference: int) -> Encoded:
        """Encode and split a text; `reference` (0-255) ties the parts of one message."""
        coding = coding_of(text)
        parts = split(text, coding)
        if len(parts) == 1:
            return cls(coding, (encode(text, coding),))
        total = len(parts)
        if total > 255:
            raise ValueError("a concatenated SMS has at most 255 parts")
        payloads = tuple(
            bytes((0x05, 0x00, 0x03, reference & 0xFF, total, number)) + encode(part, coding)
            for number, part in enumerate(parts, start=1)
        )
        return cls(coding, payloads)
