"""The lifecycle of an alert: drafting, two-person verification, corrections and expiry."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from domain.alerts.model import (
    Alert,
    AlertContent,
    AlertState,
    AlertText,
    Certainty,
    Displacement,
    MsgType,
    Severity,
    Transport,
    Urgency,
)
from domain.alerts.validation import Problem, ProblemCode, validate_reason

# The only moves an alert can make; anything else is refused.
TRANSITIONS: Mapping[AlertState, frozenset[AlertState]] = MappingProxyType(
    {
        AlertState.DRAFT: frozenset({AlertState.PENDING}),
        AlertState.PENDING: frozenset({AlertState.VERIFIED, AlertState.REJECTED}),
        AlertState.VERIFIED: frozenset(
            {AlertState.EXPIRED, AlertState.SUPERSEDED, AlertState.CANCELLED}
        ),
    }
)
_CLOSED_BY = MappingProxyType(
    {MsgType.UPDATE: AlertState.SUPERSEDED, MsgType.CANCEL: AlertState.CANCELLED}
)


class Outcome(enum.StrEnum):
    """What became of a request to move an alert; only DONE changed anything."""

    DONE = "done"
    NOT_FOUND = "not_found"
    NOT_AUTHOR = "not_author"  # only the author edits or submits a draft
    OWN_ALERT = "own_alert"  # the author can never verify their own alert
    NOT_SUBMITTED = "not_submitted"  # still a draft: nothing to decide yet
    ALREADY_SUBMITTED = "already_submitted"
    ALREADY_VERIFIED = "already_verified"  # verified, or since expired/superseded/cancelled
    ALREADY_REJECTED = "already_rejected"
    EXPIRED = "expired"  # its expiry passed while it waited for verification
    ORIGINAL_NOT_ACTIVE = "original_not_active"  # an update/cancel of a no longer live alert


class AlertError(Exception):
    """A request the alert rules refuse."""


class TransitionRefused(AlertError):
    """An alert cannot make this move; `outcome` says why."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.value)
        self.outcome = outcome


class AlertImmutable(TransitionRefused):
    """Only drafts can be edited; a submitted or verified alert never changes its words."""


class InvalidAlert(AlertError):
    """Content or a reason with problems; `problems` lists them as codes."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(p.code.value for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Changes:
    """What an update changes; None keeps the original's value. Kind and status never change."""

    severity: Severity | None = None
    urgency: Urgency | None = None
    certainty: Certainty | None = None
    texts: tuple[AlertText, ...] | None = None
    districts: tuple[str, ...] | None = None
    effective: datetime | None = None
    expires: datetime | None = None
    source: str | None = None
    transport: Transport | None = None
    displacement: Displacement | None = None


def can_transition(source: AlertState, target: AlertState) -> bool:
    """Whether the lifecycle allows this move."""
    return target in TRANSITIONS.get(source, frozenset())


def new_alert(content: AlertContent, *, identifier: str, by: int, at: datetime) -> Alert:
    """A fresh draft of a new alert."""
    return Alert(identifier=identifier, content=content, author_id=by, created_at=at)


def edit(alert: Alert, *, by: int, content: AlertContent) -> Alert:
    """The draft with new content; refuses anything but the author's own draft."""
    if alert.state is not AlertState.DRAFT:
        raise AlertImmutable(_settled(alert.state))
    if by != alert.author_id:
        raise TransitionRefused(Outcome.NOT_AUTHOR)
    if alert.msg_type is not MsgType.ALERT:
        _check_same_kind(alert.content, content)
    return dataclasses.replace(alert, content=content)


def submit(alert: Alert, *, by: int, at: datetime) -> Alert:
    """Send the author's draft for verification by someone else."""
    if alert.state is not AlertState.DRAFT:
        raise TransitionRefused(_settled(alert.state))
    if by != alert.author_id:
        raise TransitionRefused(Outcome.NOT_AUTHOR)
    return dataclasses.replace(alert, state=AlertState.PENDING, submitted_at=at)


def verify(alert: Alert, *, by: int, at: datetime) -> Alert:
    """Approve a pending alert: the second person stands behind it."""
    _check_decidable(alert)
    if by == alert.author_id:
        raise TransitionRefused(Outcome.OWN_ALERT)
    if alert.content.expires <= at:
        raise TransitionRefused(Outcome.EXPIRED)
    return dataclasses.replace(alert, state=AlertState.VERIFIED, verified_by=by, verified_at=at)


def reject(alert: Alert, *, by: int, at: datetime, reason: str) -> Alert:
    """Turn down a pending alert with a reason; the author may withdraw their own this way."""
    if problems := validate_reason(reason):
        raise InvalidAlert(problems)
    _check_decidable(alert)
    return dataclasses.replace(
        alert,
        state=AlertState.REJECTED,
        rejected_by=by,
        rejected_at=at,
        rejection_reason=reason.strip(),
    )


def expire(alert: Alert, *, at: datetime) -> Alert:
    """A verified alert whose expiry has passed."""
    if alert.state is not AlertState.VERIFIED or alert.content.expires > at:
        raise ValueError("only a verified alert past its expiry expires")
    return dataclasses.replace(alert, state=AlertState.EXPIRED, closed_at=at)


def close(original: Alert, *, correction: Alert, at: datetime) -> Alert:
    """The original once a verified update supersedes it or a verified cancel cancels it."""
    target = _CLOSED_BY.get(correction.msg_type)
    if (
        target is None
        or correction.state is not AlertState.VERIFIED
        or correction.references != original.identifier
    ):
        raise ValueError("only a verified update or cancel of this alert closes it")
    if original.state is not AlertState.VERIFIED:
        raise TransitionRefused(Outcome.ORIGINAL_NOT_ACTIVE)
    return dataclasses.replace(
        original,
        state=target,
        closed_at=at,
        closed_by=correction.verified_by,
        closed_by_alert=correction.identifier,
    )


def create_update(
    original: Alert, *, identifier: str, by: int, changes: Changes, at: datetime
) -> Alert:
    """A draft update of a live alert: same kind, status and audience, changed where asked."""
    _check_correctable(original)
    fields = {f.name: getattr(changes, f.name) for f in dataclasses.fields(changes)}
    content = dataclasses.replace(
        original.content, **{name: value for name, value in fields.items() if value is not None}
    )
    return Alert(
        identifier=identifier,
        content=content,
        author_id=by,
        created_at=at,
        msg_type=MsgType.UPDATE,
        references=original.identifier,
    )


def create_cancel(original: Alert, *, identifier: str, by: int, reason: str, at: datetime) -> Alert:
    """A cancel of a live alert, complete and pending at once so it can be approved quickly."""
    if problems := validate_reason(reason):
        raise InvalidAlert(problems)
    _check_correctable(original)
    return Alert(
        identifier=identifier,
        content=original.content,
        author_id=by,
        created_at=at,
        state=AlertState.PENDING,
        msg_type=MsgType.CANCEL,
        references=original.identifier,
        note=reason.strip(),
        submitted_at=at,
    )


def _check_correctable(original: Alert) -> None:
    if original.state is not AlertState.VERIFIED or original.msg_type is MsgType.CANCEL:
        raise TransitionRefused(Outcome.ORIGINAL_NOT_ACTIVE)


def _check_decidable(alert: Alert) -> None:
    if alert.state is not AlertState.PENDING:
        raise TransitionRefused(_settled(alert.state))


def _check_same_kind(before: AlertContent, after: AlertContent) -> None:
    problems = []
    if after.kind is not before.kind:
        problems.append(Problem(ProblemCode.KIND_CHANGED))
    if after.status is not before.status:
        problems.append(Problem(ProblemCode.STATUS_CHANGED))
    if problems:
        raise InvalidAlert(problems)


def _settled(state: AlertState) -> Outcome:
    """Why an alert in this state cannot be submitted, decided or edited."""
    if state is AlertState.DRAFT:
        return Outcome.NOT_SUBMITTED
    if state is AlertState.PENDING:
        return Outcome.ALREADY_SUBMITTED
    if state is AlertState.REJECTED:
        return Outcome.ALREADY_REJECTED
    return Outcome.ALREADY_VERIFIED
