"""Fault injection (blocked users, flood limits, 5xx, latency) and the counters."""

from __future__ import annotations

import math
import random
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from faketg.errors import ApiError, bad_request, forbidden, too_many_requests

PAID_BROADCAST_RATE = 1000.0  # messages/s with allow_paid_broadcast (Telegram's ceiling)


@dataclass(slots=True)
class _FailNext:
    count: int
    status: int
    description: str | None
    retry_after: int | None
    methods: frozenset[str] | None


@dataclass
class Faults:
    """Runtime-configurable misbehaviour; mutate the fields freely between requests.

    Chat faults apply to every method that targets the chat. ``rate_limit`` is a
    global cap on sends (messages/s over a sliding 1 s window); ``per_chat_rate``
    caps sends to one chat (Telegram asks for <= 1 msg/s per chat). Sends with
    ``allow_paid_broadcast`` are not counted in ``rate_limit`` but in a window of their
    own capped by ``paid_rate_limit`` (Telegram's 1,000/s; None: uncapped).

    ``second`` is how long the fake's second lasts in real time. Every limit and every
    retry_after is counted in the fake's seconds, so a test that shortens it to 0.1 plays the
    same flood-control story (caps, penalties, pauses) ten times as fast; the bot under test is
    then given rates per real second to match (ten times Telegram's).
    """

    blocked: set[int] = field(default_factory=set)
    deactivated: set[int] = field(default_factory=set)
    not_found: set[int] = field(default_factory=set)
    migrated: dict[int, int] = field(default_factory=dict)
    rate_limit: float | None = None
    paid_rate_limit: float | None = PAID_BROADCAST_RATE
    per_chat_rate: float | None = None
    # Telegram's rule for groups, supergroups and channels alike: about 20 messages a minute
    # in one chat (sliding 60 s window); None = not enforced.
    group_per_minute: float | None = None
    retry_after: int | None = None  # fixed retry_after for rate-limit 429s; None = computed
    second: float = 1.0
    fail_rate: float = 0.0
    fail_statuses: tuple[int, ...] = (502, 500)
    # Share of random 5xx served AFTER the message was stored: the user got it but
    # the bot sees an error, so a blind retry duplicates it (real Telegram does this).
    fail_after_delivery: float = 0.0
    latency_ms: float = 0.0
    seed: int | None = None
    rng: random.Random = field(init=False, repr=False)
    _fail_next: deque[_FailNext] = field(init=False, repr=False, default_factory=deque)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - simulation, not crypto

    def reseed(self, seed: int | None) -> None:
        """Restart the random 5xx sequence."""
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311

    def fail_next(
        self,
        count: int = 1,
        status: int = 502,
        *,
        description: str | None = None,
        retry_after: int | None = None,
        methods: set[str] | None = None,
    ) -> None:
        """Fail the next ``count`` requests (optionally only these methods) with ``status``."""
        names = frozenset(m.lower() for m in methods) if methods else None
        self._fail_next.append(_FailNext(count, status, description, retry_after, names))

    def take_forced_failure(self, method: str, *, only_named: bool = False) -> ApiError | None:
        """The queued failure for this request, if any (consumes one)."""
        for entry in self._fail_next:
            if (entry.methods is None and not only_named) or (
                entry.methods is not None and method in entry.methods
            ):
                entry.count -= 1
                if entry.count <= 0:
                    self._fail_next.remove(entry)
                return _forced_error(entry, self.second)
        return None

    def random_failure(self) -> int | None:
        """A 5xx status to serve now, drawn from the seeded RNG."""
        if self.fail_rate > 0 and self.rng.random() < self.fail_rate:
            return self.rng.choice(self.fail_statuses)
        return None

    def check_chat(self, chat_id: int, *, sending: bool) -> None:
        """Raise the configured error for this chat, if any."""
        if chat_id in self.migrated:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        if chat_id in self.not_found:
            raise bad_request("chat not found")
        if sending and chat_id in self.blocked:
            raise forbidden("bot was blocked by the user")
        if sending and chat_id in self.deactivated:
            raise forbidden("user is deactivated")

    def clear(self) -> None:
        """Back to a well-behaved server."""
        self.blocked.clear()
        self.deactivated.clear()
        self.not_found.clear()
        self.migrated.clear()
        self.rate_limit = self.per_chat_rate = self.retry_after = None
        self.group_per_minute = None
        self.paid_rate_limit = PAID_BROADCAST_RATE
        self.second = 1.0
        self.fail_rate = self.fail_after_delivery = self.latency_ms = 0.0
        self._fail_next.clear()

    def to_json(self) -> dict[str, Any]:
        """For the control API."""
        return {
            "blocked": sorted(self.blocked),
            "deactivated": sorted(self.deactivated),
            "not_found": sorted(self.not_found),
            "migrated": {str(k): v for k, v in self.migrated.items()},
            "rate_limit": self.rate_limit,
            "paid_rate_limit": self.paid_rate_limit,
            "per_chat_rate": self.per_chat_rate,
            "group_per_minute": self.group_per_minute,
            "retry_after": self.retry_after,
            "second": self.second,
            "fail_rate": self.fail_rate,
            "fail_statuses": list(self.fail_statuses),
            "fail_after_delivery": self.fail_after_delivery,
            "latency_ms": self.latency_ms,
            "seed": self.seed,
            "fail_next": [[e.count, e.status] for e in self._fail_next],
        }

    def update(self, data: dict[str, Any]) -> None:
        """Apply a partial JSON config (control API); unknown keys are an error."""
        for key, value in data.items():
            if key in ("blocked", "deactivated", "not_found"):
                setattr(self, key, {int(v) for v in value})
            elif key == "migrated":
                self.migrated = {int(k): int(v) for k, v in value.items()}
            elif key in (
                "rate_limit",
                "paid_rate_limit",
                "per_chat_rate",
                "retry_after",
                "group_per_minute",
            ):
                setattr(self, key, None if value is None else float(value))
            elif key == "second":
                if float(value) <= 0:
                    raise ValueError("second must be positive")
                self.second = float(value)
            elif key in ("fail_rate", "fail_after_delivery", "latency_ms"):
                setattr(self, key, float(value))
            elif key == "fail_statuses":
                self.fail_statuses = tuple(int(v) for v in value)
            elif key == "seed":
                self.reseed(None if value is None else int(value))
            elif key == "fail_next":
                self.fail_next(**value)
            elif key == "clear" and value:
                self.clear()
            else:
                raise ValueError(f"unknown fault setting {key!r}")
        if self.retry_after is not None:
            self.retry_after = int(self.retry_after)


def _forced_error(entry: _FailNext, second: float) -> ApiError:
    if entry.status == 429:
        return too_many_requests((entry.retry_after or 1) * second, second=second)
    if entry.description:
        return ApiError(entry.status, entry.description)
    texts = {400: "Bad Request: forced failure", 403: "Forbidden: forced failure"}
    return ApiError(entry.status, texts.get(entry.status, "Internal Server Error"))


class FloodControl:
    """Sliding-window send limits; O(1) amortised per send.

    Every penalty it starts is counted in ``stats.penalties``: the 429s beyond those are sends
    that arrived while one was running.
    """

    def __init__(self, stats: Stats) -> None:
        self._stats = stats
        self._window: deque[float] = deque()
        self._paid_window: deque[float] = deque()
        self._penalty_until = 0.0
        self._chat_last: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}

    def check(self, faults: Faults, chat_id: int, now: float, *, paid: bool = False) -> None:
        """Raise 429 if a send to ``chat_id`` now would exceed a limit."""
        second = faults.second
        fixed = faults.retry_after * second if faults.retry_after else None
        if now < self._penalty_until:
            raise too_many_requests(self._penalty_until - now, second=second)
        if faults.per_chat_rate:
            last = self._chat_last.get(chat_id)
            gap = second / faults.per_chat_rate
            if last is not None and now - last < gap:
                raise too_many_requests(fixed or gap - (now - last), second=second)
        if faults.group_per_minute and chat_id < 0:
            sends = self._group_sends.get(chat_id)
            while sends and sends[0] <= now - 60.0 * second:
                sends.popleft()
            if sends and len(sends) >= faults.group_per_minute:
                wait = fixed or sends[0] + 60.0 * second - now
                raise too_many_requests(wait, second=second)
        cap = faults.paid_rate_limit if paid else faults.rate_limit
        if cap:
            window = self._paid_window if paid else self._window
            while window and window[0] <= now - second:
                window.popleft()
            if len(window) >= cap:
                # Whole (fake) seconds, at least one, as Telegram's penalties are.
                wait = fixed or math.ceil((window[0] + second - now) / second - 1e-9) * second
                self._penalty_until = now + max(second, wait)
                self._stats.penalties += 1
                raise too_many_requests(self._penalty_until - now, second=second)

    def record(self, chat_id: int, now: float, *, paid: bool = False) -> None:
        """Count a send that went through."""
        window = self._paid_window if paid else self._window
        window.append(now)
        if len(window) > 10_000:  # bound memory when no cap is set
            window.popleft()
        self._chat_last[chat_id] = now
        if chat_id < 0:
            sends = self._group_sends.setdefault(chat_id, deque())
            sends.append(now)
            if len(sends) > 100:  # more than any per-minute cap needs
                sends.popleft()


@dataclass
class Stats:
    """Counters a benchmark reads at the end."""

    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    messages_per_chat: Counter[int] = field(default_factory=Counter)
    too_many_requests: int = 0
    penalties: int = 0  # flood-control penalties begun (a window over its cap)
    server_errors: int = 0
    messages_sent: int = 0
    paid_broadcasts: int = 0  # of messages_sent, those sent with allow_paid_broadcast
    edits: int = 0
    deletes: int = 0

    def reset(self) -> None:
        """Zero every counter."""
        self.__dict__.update(Stats().__dict__)

    def count_status(self, status: int) -> None:
        """Count one response."""
        self.statuses[status] += 1
        if status == 429:
            self.too_many_requests += 1
        elif status >= 500:
            self.server_errors += 1

    def to_json(self) -> dict[str, Any]:
        """For the control API."""
        return {
            "requests": dict(self.requests),
            "statuses": {str(k): v for k, v in self.statuses.items()},
            "messages_per_chat": {str(k): v for k, v in self.messages_per_chat.items()},
            "too_many_requests": self.too_many_requests,
            "penalties": self.penalties,
            "server_errors": self.server_errors,
            "messages_sent": self.messages_sent,
            "paid_broadcasts": self.paid_broadcasts,
            "edits": self.edits,
            "deletes": self.deletes,
        }
