"""Who receives an alert, in what order, and what to do when a send fails: plain values only."""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.alerts import Alert, MsgType, Severity, Urgency, is_exercise
from domain.delivery.policy import DeliveryPolicy


class State(enum.StrEnum):
    """Where one delivery row is."""

    PENDING = "pending"  # waiting to be sent (possibly not before next_attempt_at)
    CLAIMED = "claimed"  # a worker holds it under a lease
    SENT = "sent"
    FAILED = "failed"  # gave up: retries exhausted, or Telegram refused the message itself
    BLOCKED = "blocked"  # the chat blocked the bot, was deactivated or does not exist
    SKIPPED = "skipped"  # the alert expired, was superseded or cancelled before it went out
    HELD = "held"  # waiting for the resident's quiet hours to end
    # The resident's choices no longer admit it (unsubscribed, unticked its kind, raised the
    # minimum severity) before it went out; the column holds 8 characters.
    WITHDRAWN = "optedout"


class Kind(enum.StrEnum):
    """What a delivery row does."""

    SEND = "send"  # send the alert as a new message
    EDIT = "edit"  # mark the copy of the original the chat already has as updated/cancelled
    CHANNEL_POST = "chpost"  # post the alert to a linked channel (a correction: as a reply)
    CHANNEL_EDIT = "chedit"  # mark the channel's post of the original as updated/cancelled
    SMS = "sms"  # send the alert's SMS rendering to a phone number (chat_id: domain.sms.numbers)


# Rows that reach a channel rather than one person: reported apart from the private fan-out.
CHANNEL_KINDS = frozenset({Kind.CHANNEL_POST, Kind.CHANNEL_EDIT})
# An edit row marks the earlier copy of this kind.
EDIT_OF: dict[Kind, Kind] = {Kind.EDIT: Kind.SEND, Kind.CHANNEL_EDIT: Kind.CHANNEL_POST}
# The original alert's copy a correction's row needs: the one an edit marks, or the channel post
# a channel's update or cancel replies to.
REFERS_TO: dict[Kind, Kind] = {**EDIT_OF, Kind.CHANNEL_POST: Kind.CHANNEL_POST}


class Transport(enum.StrEnum):
    """Which adapter sends a row: each transport's sender claims only its own kinds."""

    TELEGRAM = "telegram"
    SMS = "sms"


TRANSPORT_OF = {
    Kind.SEND: Transport.TELEGRAM,
    Kind.EDIT: Transport.TELEGRAM,
    Kind.CHANNEL_POST: Transport.TELEGRAM,
    Kind.CHANNEL_EDIT: Transport.TELEGRAM,
    Kind.SMS: Transport.SMS,
}


def kinds_of(transport: Transport) -> tuple[Kind, ...]:
    """The row kinds one transport sends."""
    return tuple(kind for kind, via in TRANSPORT_OF.items() if via is transport)


WAITING = frozenset({State.PENDING, State.CLAIMED, State.HELD})
# Rows a correction treats as "the chat has (or is just getting) the original".
RECEIVED = frozenset({State.SENT, State.CLAIMED})


class Priority(enum.IntEnum):
    """Order of service for the shared send budget; lower goes first."""

    INTERACTIVE = 0  # replies to residents and operators, progress messages
    URGENT = 1  # Extreme or Immediate alerts, and cancellations
    SEVERE = 2
    ROUTINE = 3
    HEARTBEAT = 4  # residents' daily all-quiet note: after everything else


# Channel posts go before every private fan-out: one post reaches all of a channel's members.
CHANNEL_PRIORITY = Priority.URGENT


@dataclass(frozen=True, slots=True)
class Audience:
    """The sources a delivery plan draws its chats from."""

    subscribers: bool  # residents following the alert's districts whose filters admit it
    team: bool  # operators, staff and admins (exercises and tests)
    original_recipients: bool  # whoever received the alert this one corrects
    edit_original: bool  # also mark their copy of the original as updated or cancelled
    # Channels linked to the alert's districts: real (not exercise or test) alerts only.
    channels: bool = False
    # Channels that have the original's post: the correction is posted there as a reply.
    original_channels: bool = False


def audience_of(alert: Alert) -> Audience:
    """Who an alert goes to: team-only alerts never reach residents; an update reaches the
    original's recipients and the current subscribers; a cancel only the original's recipients."""
    team_only = alert.content.team_only
    public = not team_only and not is_exercise(alert)
    if alert.msg_type is MsgType.CANCEL:
        return Audience(
            subscribers=False,
            team=False,
            original_recipients=True,
            edit_original=True,
            original_channels=public,
        )
    correction = alert.msg_type is MsgType.UPDATE
    return Audience(
        subscribers=not team_only,
        team=team_only,
        original_recipients=correction,
        edit_original=correction,
        channels=public,
        original_channels=public and correction,
    )


def is_urgent(alert: Alert) -> bool:
    """Urgent alerts go first and are never held by quiet hours."""
    content = alert.content
    return (
        content.severity is Severity.EXTREME
        or content.urgency is Urgency.IMMEDIATE
        or alert.msg_type is MsgType.CANCEL
    )


def priority_of(alert: Alert) -> Priority:
    """The alert's place in the send queue."""
    if is_urgent(alert):
        return Priority.URGENT
    if alert.content.severity is Severity.SEVERE:
        return Priority.SEVERE
    return Priority.ROUTINE


def local_minute(now: datetime, tz: ZoneInfo) -> int:
    """Minutes since local midnight: what residents' quiet hours are written in."""
    local = now.astimezone(tz)
    return local.hour * 60 + local.minute


class Failure(enum.StrEnum):
    """How a send failed, in Telegram-free terms."""

    RATE_LIMITED = "rate_limited"  # 429: not the message's fault, try again after the pause
    GONE = "gone"  # blocked, deactivated, chat not found: never retry
    MIGRATED = "migrated"  # the group became a supergroup: retry at the new chat id
    # Telegram not reached (refused, DNS, connect timeout): the world's outage, not the
    # message's; retried with backoff and never given up while the alert lives.
    UNREACHABLE = "unreachable"
    TRANSIENT = "transient"  # 5xx, timeouts, dropped connections: may have been delivered
    REJECTED = "rejected"  # any other 400: retrying the same request cannot help


@dataclass(frozen=True, slots=True)
class Decision:
    """What becomes of a row after a failed attempt."""

    state: State
    next_attempt_at: datetime | None = None
    # A 429 is the sender's doing, not the row's: its claim is not counted as an attempt.
    refund_attempt: bool = False


def backoff(attempts: int, rng: random.Random, policy: DeliveryPolicy) -> timedelta:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(attempts-1))].

    Full jitter spreads the retries of a burst of failures instead of sending them back in
    step, which would fail them again together.
    """
    shift = min(max(attempts - 1, 0), 20)
    ceiling = min(policy.backoff_cap, policy.backoff_base * (1 << shift))
    return ceiling * rng.random()


def after_failure(
    failure: Failure,
    *,
    attempts: int,
    now: datetime,
    rng: random.Random,
    policy: DeliveryPolicy,
    retry_after: timedelta | None = None,
) -> Decision:
    """The next step for a row whose attempt number `attempts` failed this way."""
    if failure is Failure.GONE:
        return Decision(State.BLOCKED)
    if failure is Failure.REJECTED:
        return Decision(State.FAILED)
    if failure is Failure.RATE_LIMITED:
        return Decision(State.PENDING, now + (retry_after or policy.retry_after_default), True)
    if failure is Failure.MIGRATED:
        return Decision(State.PENDING, now, True)
    if failure is Failure.UNREACHABLE:
        # Refunded, the count never grows: wait as after a third failure (up to 8 s with the
        # defaults), or an outage that fails fast would retry every row every second.
        return Decision(State.PENDING, now + backoff(attempts + 2, rng, policy), True)
    if attempts >= policy.max_attempts:
        return Decision(State.FAILED)
    return Decision(State.PENDING, now + backoff(attempts, rng, policy))
