"""The alert lifecycle as pure transitions: two people behind every alert."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from domain.alerts import (
    TRANSITIONS,
    Alert,
    AlertContent,
    AlertImmutable,
    AlertKind,
    AlertState,
    AlertText,
    Certainty,
    Changes,
    InvalidAlert,
    MsgType,
    Outcome,
    ProblemCode,
    Severity,
    Status,
    TransitionRefused,
    Urgency,
    can_transition,
    close,
    create_cancel,
    create_update,
    edit,
    expire,
    new_alert,
    reject,
    submit,
    verify,
)

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
AUTHOR, OPERATOR, OTHER = 1, 2, 3


def content(**overrides: object) -> AlertContent:
    values: dict[str, object] = {
        "kind": AlertKind.SECURITY,
        "severity": Severity.SEVERE,
        "urgency": Urgency.IMMEDIATE,
        "certainty": Certainty.OBSERVED,
        "texts": (AlertText("en", "Firing reported near Mastung bypass"),),
        "districts": ("mastung",),
        "effective": NOW,
        "expires": NOW + timedelta(hours=24),
    }
    values.update(overrides)
    return AlertContent(**values)  # type: ignore[arg-type]


def pending() -> Alert:
    return submit(
        new_alert(content(), identifier="KB-2026-0001", by=AUTHOR, at=NOW), by=AUTHOR, at=NOW
    )


def verified() -> Alert:
    return verify(pending(), by=OPERATOR, at=NOW)


def refused(outcome: Outcome) -> pytest.RaisesExc[TransitionRefused]:
    return pytest.raises(TransitionRefused, check=lambda e: e.outcome is outcome)


def test_the_happy_path() -> None:
    draft = new_alert(content(), identifier="KB-2026-0001", by=AUTHOR, at=NOW)
    assert draft.state is AlertState.DRAFT and draft.msg_type is MsgType.ALERT
    later = NOW + timedelta(minutes=5)
    sent = submit(draft, by=AUTHOR, at=later)
    assert (sent.state, sent.submitted_at) == (AlertState.PENDING, later)
    approved = verify(sent, by=OPERATOR, at=later)
    assert (approved.state, approved.verified_by, approved.verified_at) == (
        AlertState.VERIFIED,
        OPERATOR,
        later,
    )


def test_transition_table() -> None:
    assert can_transition(AlertState.DRAFT, AlertState.PENDING)
    assert can_transition(AlertState.PENDING, AlertState.VERIFIED)
    assert not can_transition(AlertState.DRAFT, AlertState.VERIFIED)
    assert not can_transition(AlertState.VERIFIED, AlertState.PENDING)
    # Closed states are final.
    for final in (AlertState.REJECTED, AlertState.EXPIRED, AlertState.CANCELLED):
        assert final not in TRANSITIONS
        assert not any(can_transition(final, target) for target in AlertState)


def test_only_the_author_submits_and_only_once() -> None:
    draft = new_alert(content(), identifier="KB-2026-0001", by=AUTHOR, at=NOW)
    with refused(Outcome.NOT_AUTHOR):
        submit(draft, by=OTHER, at=NOW)
    with refused(Outcome.ALREADY_SUBMITTED):
        submit(pending(), by=AUTHOR, at=NOW)


def test_the_author_never_verifies_their_own_alert() -> None:
    with refused(Outcome.OWN_ALERT):
        verify(pending(), by=AUTHOR, at=NOW)


def test_verification_needs_a_pending_alert() -> None:
    draft = new_alert(content(), identifier="KB-2026-0001", by=AUTHOR, at=NOW)
    with refused(Outcome.NOT_SUBMITTED):
        verify(draft, by=OPERATOR, at=NOW)
    with refused(Outcome.ALREADY_VERIFIED):
        verify(verified(), by=OTHER, at=NOW)
    rejected = reject(pending(), by=OPERATOR, at=NOW, reason="unconfirmed")
    with refused(Outcome.ALREADY_REJECTED):
        verify(rejected, by=OTHER, at=NOW)


def test_an_alert_that_expired_while_waiting_is_not_verified() -> None:
    with refused(Outcome.EXPIRED):
        verify(pending(), by=OPERATOR, at=NOW + timedelta(hours=24))


def test_reject_needs_a_reason_and_stores_it() -> None:
    with pytest.raises(InvalidAlert) as error:
        reject(pending(), by=OPERATOR, at=NOW, reason="  ")
    assert [p.code for p in error.value.problems] == [ProblemCode.REASON_MISSING]
    done = reject(pending(), by=OPERATOR, at=NOW, reason=" not confirmed by police ")
    assert (done.state, done.rejected_by, done.rejection_reason) == (
        AlertState.REJECTED,
        OPERATOR,
        "not confirmed by police",
    )


def test_only_drafts_are_edited() -> None:
    draft = new_alert(content(), identifier="KB-2026-0001", by=AUTHOR, at=NOW)
    louder = content(severity=Severity.EXTREME)
    assert edit(draft, by=AUTHOR, content=louder).content.severity is Severity.EXTREME
    with refused(Outcome.NOT_AUTHOR):
        edit(draft, by=OTHER, content=louder)
    for settled in (pending(), verified()):
        with pytest.raises(AlertImmutable):
            edit(settled, by=AUTHOR, content=louder)


def test_an_update_copies_the_original_and_changes_what_is_asked() -> None:
    original = verified()
    update = create_update(
        original,
        identifier="KB-2026-0002",
        by=OTHER,
        changes=Changes(severity=Severity.MODERATE, districts=("mastung", "kalat")),
        at=NOW,
    )
    assert (update.msg_type, update.references, update.state) == (
        MsgType.UPDATE,
        "KB-2026-0001",
        AlertState.DRAFT,
    )
    assert update.content == dataclasses.replace(
        original.content, severity=Severity.MODERATE, districts=("mastung", "kalat")
    )
    # Its kind and status are the original's, even through edits.
    with pytest.raises(InvalidAlert):
        edit(update, by=OTHER, content=content(kind=AlertKind.DISPLACEMENT))
    with pytest.raises(InvalidAlert):
        edit(update, by=OTHER, content=content(status=Status.EXERCISE))


def test_a_cancel_is_pending_at_once_with_its_reason() -> None:
    cancel = create_cancel(
        verified(), identifier="KB-2026-0002", by=OTHER, reason="road reopened", at=NOW
    )
    assert (cancel.msg_type, cancel.state, cancel.submitted_at, cancel.note) == (
        MsgType.CANCEL,
        AlertState.PENDING,
        NOW,
        "road reopened",
    )
    with pytest.raises(InvalidAlert):
        create_cancel(verified(), identifier="KB-2026-0002", by=OTHER, reason="", at=NOW)
    # The author of a cancel is its author: they cannot approve it either.
    with refused(Outcome.OWN_ALERT):
        verify(cancel, by=OTHER, at=NOW)


def test_only_live_alerts_are_corrected() -> None:
    for dead in (pending(), reject(pending(), by=OPERATOR, at=NOW, reason="no")):
        with refused(Outcome.ORIGINAL_NOT_ACTIVE):
            create_update(dead, identifier="x", by=OTHER, changes=Changes(), at=NOW)
    cancel = verify(
        create_cancel(verified(), identifier="KB-2026-0002", by=OTHER, reason="over", at=NOW),
        by=OPERATOR,
        at=NOW,
    )
    with refused(Outcome.ORIGINAL_NOT_ACTIVE):
        create_cancel(cancel, identifier="x", by=OTHER, reason="again", at=NOW)


def test_a_verified_correction_closes_its_original() -> None:
    original = verified()
    update = create_update(original, identifier="KB-2026-0002", by=OTHER, changes=Changes(), at=NOW)
    with pytest.raises(ValueError):
        close(original, correction=update, at=NOW)  # not verified yet
    update = verify(submit(update, by=OTHER, at=NOW), by=AUTHOR, at=NOW)
    closed = close(original, correction=update, at=NOW)
    assert (closed.state, closed.closed_by, closed.closed_by_alert) == (
        AlertState.SUPERSEDED,
        AUTHOR,
        "KB-2026-0002",
    )
    with refused(Outcome.ORIGINAL_NOT_ACTIVE):
        close(closed, correction=update, at=NOW)
    cancel = verify(
        create_cancel(original, identifier="KB-2026-0003", by=OTHER, reason="x", at=NOW),
        by=OPERATOR,
        at=NOW,
    )
    assert close(original, correction=cancel, at=NOW).state is AlertState.CANCELLED


def test_expiry() -> None:
    due = NOW + timedelta(hours=24)
    assert expire(verified(), at=due).state is AlertState.EXPIRED
    with pytest.raises(ValueError):
        expire(verified(), at=due - timedelta(seconds=1))
    with pytest.raises(ValueError):
        expire(pending(), at=due)


def test_outcomes_are_codes() -> None:
    assert str(TransitionRefused(Outcome.OWN_ALERT)) == "own_alert"
