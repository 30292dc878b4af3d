"""Send-rate arithmetic on plain numbers (seconds on a monotonic clock): no Telegram, no asyncio."""

from __future__ import annotations

import math

# Telegram asks for at most one message per second in a private chat and 20 per minute in a
# group; bulk sends keep to that, replies may burst (a person waiting beats a rule of thumb).
PRIVATE_CHAT_INTERVAL = 1.0
GROUP_CHAT_INTERVAL = 3.0
# Telegram's broadcast limit without paid broadcast; with it, allow_paid_broadcast sends may go
# up to 1,000/s while every other request (replies, edits) stays under this.
FREE_BROADCAST_RATE = 30.0
# A shared budget hands out slots for this much time at once (one database round trip each):
# 6 slots at 30/s, 200 at 1,000/s; uncapped, 64 at a time.
RESERVATION_HORIZON = 0.2
# However high the rate, a slot more than this late is given up: catching up a longer stall in
# one burst met the fake's 429s at 1,000/s once sends became cheap enough to use every slot.
MAX_LATENESS = 0.005
UNCAPPED_BATCH = 64


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

    def reserve(self, now: float, count: int) -> float:
        """Book `count` consecutive slots; returns when the first one starts (now, or later).

        The same arithmetic runs in SQL for the budget several processes share
        (storage.send_budget.reserve_slots).
        """
        start = max(self._tat, now)
        self._tat = start + count * self.interval
        return start

    def hold(self, until: float) -> None:
        """No slot before this moment (a 429 pause)."""
        self._tat = max(self._tat, until)

    @property
    def lateness(self) -> float:
        """How late a booked slot may still be used: sent later, it could make `rate` + 1
        sends fall into one second of Telegram's window, so it is given up instead; and never
        more than MAX_LATENESS, so a stalled event loop does not catch up in one burst."""
        if self.unlimited:
            return math.inf
        return max(self.tolerance, min((self.rate - 1) * self.interval - 1, MAX_LATENESS))

    @property
    def batch(self) -> int:
        """Slots a shared budget hands out per round trip (see RESERVATION_HORIZON)."""
        if self.unlimited:
            return UNCAPPED_BATCH
        return max(1, math.ceil(self.rate * RESERVATION_HORIZON))


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
        self._last: dict[int, float] = {}  # when each chat's latest message went out
        self._holds: dict[int, float] = {}  # chats Telegram asked us to leave alone until then
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

    def sent(self, chat_id: int, now: float) -> bool:
        """A message goes to the chat now; whether the one before it went less than the chat's
        interval ago (then a 429 for it may be the chat's own flood limit, not the bot's)."""
        last = self._last.get(chat_id)
        self._last[chat_id] = now
        self._prune(now)
        return last is not None and now - last < self.interval(chat_id)

    def hold(self, chat_id: int, until: float) -> None:
        """Telegram gave this chat a retry_after: nothing goes to it before `until`."""
        self._holds[chat_id] = max(self._holds.get(chat_id, until), until)
        self._next[chat_id] = max(self._next.get(chat_id, until), until)

    def held_until(self, chat_id: int) -> float:
        """When the chat's 429 hold ends (0 when it has none)."""
        return self._holds.get(chat_id, 0.0)

    def __len__(self) -> int:
        return len(self._next)

    def _prune(self, now: float) -> None:
        # Entries in the past constrain nothing; dropping them keeps memory flat in the
        # number of recipients (a fan-out touches each chat once).
        if len(self._next) > self._max_chats:
            self._next = {chat: t for chat, t in self._next.items() if t > now}
        if len(self._last) > self._max_chats:
            horizon = now - self._group
            self._last = {chat: t for chat, t in self._last.items() if t > horizon}
        if len(self._holds) > self._max_chats:
            self._holds = {chat: t for chat, t in self._holds.items() if t > now}
