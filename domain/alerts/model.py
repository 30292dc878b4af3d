"""The values of a verified alert, shaped on CAP 1.2 (OASIS Common Alerting Protocol)."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType


class AlertKind(enum.Enum):
    """The kinds of alert a resident can choose; each is one bit in the stored mask."""

    SECURITY = "security"
    TRANSPORT = "transport"
    DISPLACEMENT = "displacement"

    @property
    def bit(self) -> int:
        """The bit of this kind in a resident's kinds mask."""
        return 1 << list(AlertKind).index(self)


class Severity(enum.IntEnum):
    """CAP 1.2 severity, ordered so a minimum can be compared in SQL as an integer."""

    MINOR = 1
    MODERATE = 2
    SEVERE = 3
    EXTREME = 4

    @property
    def code(self) -> str:
        """The lowercase code used in callback data and the API."""
        return self.name.lower()

    @classmethod
    def from_code(cls, code: str) -> Severity:
        """Parse a code such as 'severe'; raises ValueError for anything else."""
        try:
            return cls[code.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {code!r}") from None


IDENTIFIER_PREFIX = "KB"
# The author of alerts no operator wrote (CAP imports): there is nobody to notify.
SYSTEM_AUTHOR = 0
# Forgiving about case, separators and zero padding: "kb 2026 42" is KB-2026-0042.
_IDENTIFIER = re.compile(
    rf"^\s*{IDENTIFIER_PREFIX}[\s\-_/]*(\d{{4}})[\s\-_/]+0*(\d{{1,9}})\s*$", re.IGNORECASE
)

# How long an alert stays active when its author gives no expiry. Security situations change
# within the day and a stale warning either keeps people away from a safe place or lulls them
# back into a dangerous one, so it must be re-confirmed daily; road and rail suspensions are
# usually announced for a day or two and reopening waits for clearance; displacement needs
# (shelter, distributions, registration) last for days.
DEFAULT_LIFETIME: Mapping[AlertKind, timedelta] = MappingProxyType(
    {
        AlertKind.SECURITY: timedelta(hours=24),
        AlertKind.TRANSPORT: timedelta(hours=48),
        AlertKind.DISPLACEMENT: timedelta(days=7),
    }
)
# No alert may stay active longer than this: a longer situation is re-confirmed by an update.
MAX_LIFETIME = timedelta(days=30)


class Status(enum.StrEnum):
    """CAP status: a real alert, or an exercise or test that must be marked as such everywhere."""

    ACTUAL = "actual"
    EXERCISE = "exercise"
    TEST = "test"


class MsgType(enum.StrEnum):
    """CAP msgType: a new alert, or a correction (update/cancel) that references an earlier one."""

    ALERT = "alert"
    UPDATE = "update"
    CANCEL = "cancel"


class Urgency(enum.StrEnum):
    """CAP urgency: how soon people should act."""

    IMMEDIATE = "immediate"
    EXPECTED = "expected"
    FUTURE = "future"
    PAST = "past"
    UNKNOWN = "unknown"


class Certainty(enum.StrEnum):
    """CAP certainty: how sure the source is."""

    OBSERVED = "observed"
    LIKELY = "likely"
    POSSIBLE = "possible"
    UNLIKELY = "unlikely"
    UNKNOWN = "unknown"


class TransportMode(enum.StrEnum):
    """What kind of transport a transport alert is about."""

    ROAD = "road"
    RAIL = "rail"
    AIR = "air"
    PORT = "port"


class AlertState(enum.StrEnum):
    """Where an alert is in its life; only VERIFIED alerts reach residents."""

    DRAFT = "draft"
    PENDING = "pending"  # submitted, waiting for a second person
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"  # verified, then its expiry passed
    SUPERSEDED = "superseded"  # verified, then replaced by a verified update
    CANCELLED = "cancelled"  # verified, then withdrawn by a verified cancel


@dataclass(frozen=True, slots=True)
class AlertText:
    """The words of an alert in one language."""

    language: str
    headline: str
    description: str = ""
    instruction: str = ""  # what to do, e.g. "avoid the N-25 near Mastung"


@dataclass(frozen=True, slots=True)
class Transport:
    """Details of a transport suspension; `route` is a gazetteer route code such as N-25."""

    mode: TransportMode | None
    route: str | None = None
    segment: str = ""  # free text, e.g. "Mastung–Kalat"


@dataclass(frozen=True, slots=True)
class Displacement:
    """Figures of a displacement; at least one of families and individuals is given."""

    families: int | None = None
    individuals: int | None = None
    from_place: str = ""
    to_place: str = ""


@dataclass(frozen=True, slots=True)
class AlertContent:
    """What an author writes: everything residents will read and delivery will filter on.

    `texts` holds the primary language first. Times must be timezone-aware. Severity is one
    of the four CAP levels: CAP's "Unknown" is not offered because residents filter on a
    minimum severity, and an alert off that scale would reach either everyone or no one;
    doubt about what happened goes into `certainty` instead.
    """

    kind: AlertKind
    severity: Severity
    urgency: Urgency
    certainty: Certainty
    texts: tuple[AlertText, ...]
    districts: tuple[str, ...]
    effective: datetime
    expires: datetime
    source: str = ""
    status: Status = Status.ACTUAL
    # Only operators and volunteers receive it. Left as None it becomes True for exercises and
    # tests and False for actual alerts, so an instance always holds a bool.
    restricted_to_team: bool | None = None
    transport: Transport | None = None
    displacement: Displacement | None = None

    def __post_init__(self) -> None:
        for moment in (self.effective, self.expires):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise ValueError("alert times must be timezone-aware")
        if self.restricted_to_team is None:
            object.__setattr__(self, "restricted_to_team", self.status is not Status.ACTUAL)

    @property
    def language(self) -> str:
        """The primary language: the one the author wrote in."""
        return self.texts[0].language if self.texts else ""

    @property
    def team_only(self) -> bool:
        """Whether only operators and volunteers receive it (exercises and tests by default)."""
        return bool(self.restricted_to_team)

    def text(self, language: str) -> AlertText:
        """The text in a language, falling back to the primary one."""
        for text in self.texts:
            if text.language == language:
                return text
        return self.texts[0]


@dataclass(frozen=True, slots=True)
class Alert:
    """A stored alert: its content, its identity and its lifecycle."""

    identifier: str  # e.g. KB-2026-0042
    content: AlertContent
    author_id: int
    created_at: datetime
    state: AlertState = AlertState.DRAFT
    msg_type: MsgType = MsgType.ALERT
    references: str | None = None  # the identifier an update or cancel refers to
    note: str = ""  # CAP note: the reason of a cancel
    submitted_at: datetime | None = None
    verified_by: int | None = None
    verified_at: datetime | None = None
    rejected_by: int | None = None
    rejected_at: datetime | None = None
    rejection_reason: str | None = None
    closed_at: datetime | None = None  # when it expired, was superseded or cancelled
    closed_by: int | None = None  # who approved the update or cancel that closed it
    closed_by_alert: str | None = None  # that update or cancel
    delivery_planned_at: datetime | None = None

    @property
    def kind(self) -> AlertKind:
        """The alert's kind."""
        return self.content.kind

    @property
    def status(self) -> Status:
        """The alert's CAP status."""
        return self.content.status


def is_exercise(alert: Alert | AlertContent) -> bool:
    """Whether an alert is an exercise or a test, which must be labelled as such everywhere."""
    content = alert.content if isinstance(alert, Alert) else alert
    return content.status is not Status.ACTUAL


def default_expiry(kind: AlertKind, effective: datetime) -> datetime:
    """When an alert of this kind expires if its author gives no time."""
    return effective + DEFAULT_LIFETIME[kind]


def format_identifier(year: int, number: int) -> str:
    """The readable reference of an alert: KB-2026-0042."""
    return f"{IDENTIFIER_PREFIX}-{year:04d}-{number:04d}"


def parse_identifier(text: str) -> str | None:
    """The canonical identifier in what someone typed ("kb 2026 42"), or None."""
    match = _IDENTIFIER.match(text)
    if match is None or len(text) > 40:
        return None
    return format_identifier(int(match[1]), int(match[2]))


def identifier_year(now: datetime) -> int:
    """The year an identifier allocated at this moment carries (the UTC year)."""
    return now.astimezone(UTC).year
