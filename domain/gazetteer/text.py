"""Text normalisation shared by the index and the queries: scripts, digits, spellings, lists."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Arabic-Indic (Arabic), Eastern Arabic-Indic (Urdu, Persian) and fullwidth digits.
_DIGITS = {
    base + offset: ord("0") + offset for base in (0x0660, 0x06F0, 0xFF10) for offset in range(10)
}


def normalize_digits(text: str) -> str:
    """Replace Arabic-Indic, Eastern Arabic-Indic and fullwidth digits with ASCII ones."""
    return text.translate(_DIGITS)


# Letters that people type interchangeably in Urdu and Pashto depending on their keyboard
# (Arabic, Persian, Urdu, Pashto layouts). Hamza carriers (ئ ؤ أ آ ۂ ۀ) need no entry: NFKD
# splits the hamza or madda off as a combining mark, which is then dropped. Pashto's own
# letters fold to the letter a Pashto speaker types without a Pashto keyboard, in the southern
# (Kandahari) sounds spoken in Balochistan: ښ as ش, ږ as ژ, ځ (dz) as ز, څ (ts) as س.
_ARABIC_FOLD = str.maketrans(
    {
        "\u064a": "ی",  # ARABIC YEH
        "\u0649": "ی",  # ALEF MAKSURA
        "\u06d0": "ی",  # Pashto YEH
        "\u06cd": "ی",  # Pashto YEH WITH TAIL
        "\u06d2": "ی",  # YEH BARREE: typed for final ی and vice versa
        "\u0643": "ک",  # ARABIC KAF
        "\u06ab": "گ",  # Pashto KAF WITH RING
        "\u0647": "ہ",  # ARABIC HEH: Persian keyboards type it for ہ and ھ alike
        "\u06be": "ہ",  # HEH DOACHASHMEE
        "\u06d5": "ہ",  # AE
        "\u0629": "ہ",  # TEH MARBUTA
        "\u06c3": "ہ",  # TEH MARBUTA GOAL
        "\u067c": "ٹ",  # Pashto TTEH
        "\u0689": "ڈ",  # Pashto DDAL
        "\u0693": "ڑ",  # Pashto RREH
        "\u06bc": "ن",  # Pashto NOON WITH RING
        "\u069a": "ش",  # Pashto SHEEN WITH DOT BELOW AND ABOVE (ښ)
        "\u0696": "ژ",  # Pashto RREH WITH DOT BELOW AND ABOVE (ږ)
        "\u0681": "ز",  # Pashto HAH WITH HAMZA ABOVE (ځ)
        "\u0685": "س",  # Pashto HAH WITH THREE DOTS ABOVE (څ)
        "\u0640": None,  # TATWEEL only stretches a word
    }
)


@lru_cache(maxsize=8192)
def normalize_word(token: str) -> str:
    """Lower-case one token, drop marks, joiners and punctuation, unify Arabic letters."""
    text = unicodedata.normalize("NFKD", normalize_digits(token).casefold())
    # Keeping letters and digits drops combining marks (Latin accents, harakat, hamza and
    # madda), zero-width joiners, bidi controls and punctuation in one pass.
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")
    return kept.translate(_ARABIC_FOLD)


def _is_word_char(ch: str) -> bool:
    # Marks and format characters (ZWNJ, RLM) stay inside a word: they are removed later, and
    # splitting on them would cut Urdu words in two.
    return unicodedata.category(ch)[0] in "LNM" or unicodedata.category(ch) == "Cf"


def tokens(text: str) -> list[tuple[int, int, str]]:
    """The words of a text as (start, end, normalised word), empty words skipped."""
    found: list[tuple[int, int, str]] = []
    start = -1
    for index, ch in enumerate(text + " "):
        if _is_word_char(ch):
            if start < 0:
                start = index
        elif start >= 0:
            word = normalize_word(text[start:index])
            if word:
                found.append((start, index, word))
            start = -1
    return found


def words(text: str) -> list[str]:
    """The normalised words of a text."""
    return [word for _, _, word in tokens(text)]


def compact(parts: Iterable[str]) -> str:
    """Join normalised words into one key, so spacing and hyphens never matter."""
    return "".join(parts)


# Applied to index and queries alike. Each rule was checked against the Balochistan data so
# that no two districts become one key (see tests): q/k and v/w are one Urdu letter each,
# kh/gh are often typed without the h, ee/oo are how i/u are written, and doubled letters
# come and go (Quetta/Queta, Killa/Kila, Kachhi/Kachi).
_LATIN_FOLD = str.maketrans({"q": "k", "v": "w"})
_DIGRAPHS = (("ee", "i"), ("oo", "u"), ("kh", "k"), ("gh", "g"))
_DOUBLED = re.compile(r"(.)\1+")


def fold(key: str) -> str:
    """The transliteration-insensitive form of a compact key."""
    key = key.translate(_LATIN_FOLD)
    for pair, single in _DIGRAPHS:
        key = key.replace(pair, single)
    return _DOUBLED.sub(r"\1", key)


# A list of names: commas (also Urdu ، and fullwidth), semicolons (also Urdu ؛), slashes,
# newlines, ampersands, and the words "and" (English), "aur" (Roman Urdu), "اور" and "و"
# (Urdu) and "او" (Pashto).
_SEPARATORS = re.compile(
    r"[,\u060c\uff0c;\u061b/\n\r&]|\b(?:and|aur)\b|(?<!\S)(?:اور|او|و)(?!\S)",
    re.IGNORECASE,
)


def split_names(text: str) -> list[str]:
    """Split a message into the names it lists (chunks may be blank)."""
    return _SEPARATORS.split(text)


# Characters of markup and code, never of a place name: a query holding one is not a name.
CODE_CHARS = frozenset("<>{}[]=`$\\|^~")

# Words around a place name that say what it is; stripped at either end when the whole
# query is not a name (so "Hazara Town" still matches before "town" is dropped).
FILLER_WORDS = (
    "district",
    "districts",
    "dist",
    "distt",
    "city",
    "town",
    "area",
    "tehsil",
    "the",
    "in",
    "zila",
    "zilla",
    "zillah",
    "zilah",
    "shahar",
    "shehar",
    "sheher",
    "shehr",
    "shahr",
    "mein",
    "main",
    "me",
    "ka",
    "ki",
    "ke",
    "ضلع",
    "شہر",
    "ڈسٹرکٹ",
    "سٹی",
    "تحصیل",
    "علاقہ",
    "میں",
    "کا",
    "کی",
    "کے",
    # Pashto: district (also the plural), Afghan sub-district, city, area, in, at, of.
    "ضلعه",
    "ضلعې",
    "ولسوالۍ",
    "ښار",
    "سیمه",
    "کې",
    "کښې",
    "په",
    "د",
)
