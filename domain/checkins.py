"""Safety check-ins and the daily all-quiet note: which alerts ask, what counts may show."""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.alerts import Alert, AlertState, MsgType, Severity, is_exercise
from domain.gazetteer import normalize_digits
from domain.preferences import parse_minute

# Counts below this are shown as "fewer than 5": a lone answer in a small village is traceable.
MIN_SHOWN = 5
CHECKIN_RETENTION = timedelta(days=30)
HEARTBEAT_WINDOW = timedelta(hours=24)


class Answer(enum.StrEnum):
    """What a resident answered under an alert."""

    SAFE = "safe"
    HELP = "help"
    LEFT = "left"  # had to leave


class Refusal(enum.StrEnum):
    """Why a check-in tap was not recorded."""

    NOT_ASKED = "not_asked"  # the alert never had check-in buttons (minor, exercise, gone)
    CLOSED = "closed"  # expired, updated or cancelled since
    NOT_RECIPIENT = "not_recipient"  # the tapping chat was never sent this alert


def asks_checkin(alert: Alert) -> bool:
    """Severe or Extreme real alerts (not exercises, tests or cancels) ask how residents are."""
    return (
        alert.msg_type is not MsgType.CANCEL
        and not is_exercise(alert)
        and alert.content.severity >= Severity.SEVERE
        and bool(alert.content.districts)  # an answer is counted in one of them
    )


def refusal(alert: Alert | None, *, now: datetime, received: bool) -> Refusal | None:
    """Why a tap on this alert cannot be recorded now, or None when it can."""
    if alert is None or not asks_checkin(alert):
        return Refusal.NOT_ASKED
    if alert.state is not AlertState.VERIFIED or alert.content.expires <= now:
        return Refusal.CLOSED
    if not received:
        return Refusal.NOT_RECIPIENT
    return None


def district_of(alert: Alert, followed: Collection[str]) -> str:
    """The district an answer counts in: the first of the alert's that the resident follows,
    else the alert's first (the resident unsubscribed since, or got it as an update)."""
    for slug in alert.content.districts:
        if slug in followed:
            return slug
    return alert.content.districts[0]


def shown(count: int) -> int | None:
    """A count as staff may see it: None means "fewer than 5" (and zero stays zero)."""
    return count if count == 0 or count >= MIN_SHOWN else None


@dataclass(frozen=True, slots=True)
class CheckinCounts:
    """How many answered each way under one alert in one district (raw; views apply `shown`)."""

    alert: str  # identifier
    district: str
    safe: int = 0
    help: int = 0
    left: int = 0

    @property
    def total(self) -> int:
        """Everyone who answered."""
        return self.safe + self.help + self.left

    def of(self, answer: Answer) -> int:
        """The count of one answer."""
        return {Answer.SAFE: self.safe, Answer.HELP: self.help, Answer.LEFT: self.left}[answer]


def counts_from(rows: Iterable[tuple[str, str, str, int]]) -> list[CheckinCounts]:
    """Rows of (identifier, district, answer, count) folded per alert and district."""
    folded: dict[tuple[str, str], dict[str, int]] = {}
    for identifier, district, answer, count in rows:
        folded.setdefault((identifier, district), {})[answer] = count
    return [
        CheckinCounts(
            identifier,
            district,
            safe=by.get(Answer.SAFE, 0),
            help=by.get(Answer.HELP, 0),
            left=by.get(Answer.LEFT, 0),
        )
        for (identifier, district), by in sorted(folded.items())
    ]


QUIET_NOTE_OFF_WORDS = frozenset({"off", "none", "no", "stop", "بند", "ختم", "نہیں"})


def parse_note_time(text: str) -> int | None:
    """The local minute of '08:00', '8', '20:30' or '۸:۳۰' (Urdu or Arabic-Indic digits);
    None for 'off'. Raises ValueError for anything else."""
    cleaned = normalize_digits(text).strip().lower().replace(".", ":")
    if cleaned in QUIET_NOTE_OFF_WORDS:
        return None
    if not cleaned or len(cleaned) > 5:
        raise ValueError("not a time of day")
    return parse_minute(cleaned)


def local_day_start(now: datetime, tz: ZoneInfo) -> datetime:
    """Local midnight of today: one all-quiet note per local day at most."""
    return now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)


def quiet_districts(
    followed: Collection[str], alerts: Iterable[Alert], *, since: datetime
) -> list[str]:
    """The resident's districts if no real alert for any of them was verified since a moment;
    an empty list when one was (no note then)."""
    wanted = set(followed)
    for alert in alerts:
        verified = alert.verified_at
        if is_exercise(alert) or verified is None or verified < since:
            continue
        if wanted.intersection(alert.content.districts):
            return []
    return sorted(wanted)


class TapBudget:
    """At most `limit` check-in taps per chat in a sliding `window` (a flood gets a polite no);
    in memory, so a restart forgets it, which is harmless: an answer is idempotent anyway."""

    def __init__(self, *, limit: int = 10, window: timedelta = timedelta(minutes=1)) -> None:
        self.limit = limit
        self.window = window
        self._taps: dict[int, list[datetime]] = {}

    def allow(self, chat_id: int, now: datetime) -> bool:
        """Count a tap; False when the chat is over its budget."""
        if len(self._taps) > 10_000:  # keep memory flat under a storm of distinct chats
            self._taps.clear()
        recent = [t for t in self._taps.get(chat_id, ()) if now - t < self.window]
        if len(recent) >= self.limit:
            self._taps[chat_id] = recent
            return False
        self._taps[chat_id] = [*recent, now]
        return True
