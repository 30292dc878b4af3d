"""The keywords residents text to the service number, in English and Urdu."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass

# Longer inbound texts are read only this far: a place name never needs more.
MAX_READ = 160


class Keyword(enum.StrEnum):
    """What an inbound SMS asks for."""

    JOIN = "join"
    STOP = "stop"
    STATUS = "status"
    HELP = "help"


_WORDS: dict[str, tuple[Keyword, str]] = {
    "join": (Keyword.JOIN, "en"),
    "start": (Keyword.JOIN, "en"),
    "subscribe": (Keyword.JOIN, "en"),
    "stop": (Keyword.STOP, "en"),
    "unsubscribe": (Keyword.STOP, "en"),
    "status": (Keyword.STATUS, "en"),
    "help": (Keyword.HELP, "en"),
    "info": (Keyword.HELP, "en"),
    "شامل": (Keyword.JOIN, "ur"),
    "بند": (Keyword.STOP, "ur"),
    "روکیں": (Keyword.STOP, "ur"),
    "حالت": (Keyword.STATUS, "ur"),
    "صورتحال": (Keyword.STATUS, "ur"),
    "مدد": (Keyword.HELP, "ur"),
}


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed inbound SMS: the keyword (None if unknown), the place after it, the language
    to answer in (the keyword's, or the script's for an unknown one)."""

    keyword: Keyword | None
    place: str
    language: str


def _script_language(text: str) -> str:
    arabic = any("ARABIC" in unicodedata.name(c, "") for c in text)
    return "ur" if arabic else "en"


def parse_command(text: str) -> Command:
    """Read `KEYWORD [place]`; case, spacing and punctuation around the keyword do not matter."""
    read = " ".join(unicodedata.normalize("NFKC", text[:MAX_READ]).split())
    first, _, rest = read.partition(" ")
    word = first.strip(".,!?؟۔:").casefold()
    found = _WORDS.get(word)
    if found is None:
        return Command(None, "", _script_language(read))
    keyword, language = found
    return Command(keyword, rest.strip(" .,!?؟۔"), language)
