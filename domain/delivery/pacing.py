"""Send-rate arithmetic on plain numbers (seconds on a monotonic clock): no Telegram, no asyncio."""

from __future__ import annotations

import math

# Telegram asks for at most one message per second in a private chat and 20 per minute in a
# group; bulk sends keep to that, replies may burst (a person waiting beats a rule of thumb).
PRIVATE_CHAT_INTERVAL = 1.0
GROUP_CHAT_INTERVAL = 3.0


class SlotClock:
    """A global cap as evenly spaced slots (GCRA), never a burst then a pause.

    Telegram counts messages in a sliding one-second window, and network jitter moves our sends
    a little in that window; so the clock paces a few percent below the cap and lets a slot be
    taken half an interval early, which absorbs timer lateness without ever fitting more than
    `rate` sends into any one second. A rate of 0 means no cap.
    """

    def __init__(self, rate: float) -> None:
        self.rate = rate
        if rate <= 0:
            self.interval = 0.0
        else:
            # (1 + interval/2) / interval + 1 <= rate must hold; 3% below the cap satisfies it
            # from 34/s up, lower caps need a wider margin.
            margin = min(0.97, 1 - 1 / rate) if rate > 2 else 0.5
            self.interval = 1 / (rate * margin)
        self.tolerance = self.interval / 2
        self._tat = -math.inf  # the theoretical arrival time of the next send

    @property
    def unlimited(self) -> bool:
        """Whether there is no cap at all."""
        return self.interval == 0.0

    def wait(self, now: float) -> float:
        """Seconds until a slot is free (0 when one is free now)."""
        return max(0.0, self._tat - self.tolerance - now)

    def take(self, now: float) -> None:
        """Use the slot that is free now."""
        self._tat = max(self._tat, now) + self.interval

    def pace(self) -> float:
        """Sends per second this clock allows."""
        return math.inf if self.unlimited else 1 / self.interval


class ChatSpacing:
    """The earliest moment each chat may receive its next bulk message."""

    def __init__(
        self,
        *,
        max_chats: int = 20_000,
        private: float = PRIVATE_CHAT_INTERVAL,
        group: float = GROUP_CHAT_INTERVAL,
    ) -> None:
        self._next: dict[int, float] = {}
        self._max_chats = max_chats
        self._private, self._group = private, group

    def interval(self, chat_id: int) -> float:
        """Minimum gap between bulk messages to this chat (negative ids are groups)."""
        return self._group if chat_id < 0 else self._private

    def reserve(self, chat_id: int, now: float) -> float:
        """Book the chat's next turn; returns the moment it starts (now, or later)."""
        start = max(now, self._next.get(chat_id, now))
        self._next[chat_id] = start + self.interval(chat_id)
        self._prune(now)
        return start

    def note(self, chat_id: int, now: float) -> None:
        """A reply went to the chat now: the next bulk message keeps its distance."""
        self._next[chat_id] = max(self._next.get(chat_id, now), now + self.interval(chat_id))
        self._prune(now)

    def __len__(self) -> int:
        return len(self._next)

    def _prune(self, now: float) -> None:
        # Entries in the past constrain nothing; dropping them keeps memory flat in the
        # number of recipients (a fan-out touches each chat once).
        if len(self._next) > self._max_chats:
            self._next = {chat: t for chat, t in self._next.items() if t > now}
