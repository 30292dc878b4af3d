"""District channels as plain values: what an admin's /channel words mean, and whether the bot
may post in a channel (Telegram-free: the bot layer reads the facts, this judges them)."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.gazetteer import Gazetteer, ResolutionKind

# Words that mean "every district of the province".
PROVINCE_WORDS = frozenset({"province", "all", "balochistan", "بلوچستان"})
_USERNAME = re.compile(r"@?([A-Za-z][A-Za-z0-9_]{3,31})")
_CHAT_ID = re.compile(r"-100\d{5,16}")
MAX_AREA_WORDS = 8


class Problem(enum.StrEnum):
    """Why a chat cannot be linked as a district channel."""

    NOT_FOUND = "not_found"  # no such @name, or a private channel the bot is not in
    NOT_CHANNEL = "not_channel"  # a group or a private chat
    NOT_MEMBER = "not_member"  # the bot is not in the channel
    NOT_ADMIN = "not_admin"  # in it, but not an administrator
    CANNOT_POST = "cannot_post"  # an administrator without "Post messages"
    CANNOT_EDIT = "cannot_edit"  # an administrator without "Edit messages of others"


@dataclass(frozen=True, slots=True)
class ChannelFacts:
    """What Telegram says about a chat and the bot's place in it."""

    chat_id: int
    chat_type: str
    title: str
    username: str | None
    bot_status: str | None  # administrator, member, left, kicked…; None if not asked
    can_post: bool = False
    can_edit: bool = False
    member_count: int | None = None


def problems(facts: ChannelFacts) -> list[Problem]:
    """Everything that stops the bot from posting and editing there, in the order to fix it."""
    if facts.chat_type != "channel":
        return [Problem.NOT_CHANNEL]
    if facts.bot_status not in ("administrator", "creator", "member"):
        return [Problem.NOT_MEMBER]
    if facts.bot_status != "administrator":
        return [Problem.NOT_ADMIN]
    missing = []
    if not facts.can_post:
        missing.append(Problem.CANNOT_POST)
    if not facts.can_edit:
        missing.append(Problem.CANNOT_EDIT)
    return missing


def channel_reference(word: str) -> int | str | None:
    """A channel's id (-100…) or @name (without the @) as typed; None if it is neither."""
    if _CHAT_ID.fullmatch(word):
        return int(word)
    found = _USERNAME.fullmatch(word)
    return found.group(1) if found and word.startswith("@") else None


@dataclass(frozen=True, slots=True)
class Area:
    """The districts a channel covers, and how the admin named them."""

    districts: tuple[str, ...] = ()
    division: str | None = None
    province: bool = False
    unknown: str | None = None  # the words that named no district, division or the province
    suggestion: str | None = None  # a district the unknown words probably meant

    @property
    def ok(self) -> bool:
        """Whether the words named a place."""
        return bool(self.districts) and self.unknown is None


def parse_area(gazetteer: Gazetteer, words: Sequence[str]) -> Area:
    """A district (its exact name or slug), a division ("Kalat", "Kalat division") or the
    province. An admin's link is exact: a misspelling is refused with the likely district."""
    text = " ".join(words[:MAX_AREA_WORDS]).strip()
    folded = text.casefold()
    if folded in PROVINCE_WORDS:
        return Area(tuple(d.slug for d in gazetteer.districts), province=True)
    division_name = folded.removesuffix(" division").strip()
    for division in gazetteer.divisions:
        if division.casefold() == division_name and folded != division.casefold():
            return _division(gazetteer, division)
    district = gazetteer.get(folded.replace(" ", "-"))
    if district is not None:
        return Area((district.slug,))
    found = gazetteer.resolve(text) if text else None
    if found is not None and found.kind is ResolutionKind.DISTRICT and found.town is None:
        assert found.district is not None
        return Area((found.district.slug,))
    if found is not None and found.division is not None:
        return _division(gazetteer, found.division)
    guess = None
    if found is not None and found.district is not None:
        guess = found.district.slug
    elif found is not None and found.candidates:
        guess = found.candidates[0].district.slug
    return Area(unknown=text[:100] or "?", suggestion=guess)


def _division(gazetteer: Gazetteer, division: str) -> Area:
    return Area(tuple(d.slug for d in gazetteer.districts_in(division)), division=division)
