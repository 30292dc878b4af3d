"""Alert storage: numbering, two-person verification, corrections, expiry and hand-off."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

import storage.alert_models  # noqa: F401  (registers the tables, so the fixture clears them)
from domain.alerts import (
    Alert,
    AlertContent,
    AlertKind,
    AlertState,
    AlertText,
    Certainty,
    Changes,
    Displacement,
    InvalidAlert,
    MsgType,
    Outcome,
    ProblemCode,
    Severity,
    Status,
    TransitionRefused,
    Transport,
    TransportMode,
    Urgency,
)
from domain.gazetteer import Gazetteer
from storage import alert_drafts, alert_queries, alerts, deliveries
from storage.alert_models import alert
from storage.alert_rows import load_alerts
from storage.audit import AuditAction, list_audit
from storage.db import Database

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
G = Gazetteer.default()
AUTHOR, OPERATOR, OTHER = 101, 202, 303


def content(**overrides: object) -> AlertContent:
    values: dict[str, object] = {
        "kind": AlertKind.SECURITY,
        "severity": Severity.SEVERE,
        "urgency": Urgency.IMMEDIATE,
        "certainty": Certainty.OBSERVED,
        "texts": (
            AlertText("en", "Firing near Mastung bypass", "Reported by residents.", "Stay in."),
            AlertText("ur", "مستونگ بائی پاس کے قریب فائرنگ"),
        ),
        "districts": ("mastung", "quetta"),
        "effective": NOW,
        "expires": NOW + timedelta(hours=24),
        "source": "District administration",
    }
    values.update(overrides)
    return AlertContent(**values)  # type: ignore[arg-type]


async def drafted(db: Database, **overrides: object) -> Alert:
    async with db.transaction() as session:
        return await alert_drafts.create_draft(
            session, content=content(**overrides), by=AUTHOR, gazetteer=G, now=NOW
        )


async def submitted(db: Database, **overrides: object) -> Alert:
    draft = await drafted(db, **overrides)
    async with db.transaction() as session:
        result = await alerts.submit_alert(
            session, identifier=draft.identifier, by=AUTHOR, gazetteer=G, now=NOW
        )
    assert result.done and result.alert is not None
    return result.alert


async def published(db: Database, **overrides: object) -> Alert:
    sent = await submitted(db, **overrides)
    result = await verify(db, sent.identifier, OPERATOR)
    assert result.done and result.alert is not None
    return result.alert


async def verify(db: Database, identifier: str, by: int) -> alerts.TransitionResult:
    async with db.transaction() as session:
        return await alerts.verify_alert(session, identifier=identifier, by=by, now=NOW)


async def get(db: Database, identifier: str) -> Alert:
    async with db.transaction() as session:
        found = await alert_queries.get_alert(session, identifier=identifier)
    assert found is not None
    return found


async def actions(db: Database, identifier: str) -> list[AuditAction]:
    async with db.transaction() as session:
        entries = await list_audit(session, alert=identifier, limit=100)
    return [entry.action for entry in reversed(entries)]


# --- numbering -----------------------------------------------------------------------------


async def test_identifiers_count_up_per_year(database: Database) -> None:
    first, second = await drafted(database), await drafted(database)
    assert (first.identifier, second.identifier) == ("KB-2026-0001", "KB-2026-0002")
    async with database.transaction() as session:
        next_year = await alert_drafts.allocate_identifier(
            session, now=datetime(2027, 1, 1, 0, 0, tzinfo=UTC)
        )
    assert next_year == "KB-2027-0001"


async def test_concurrent_drafts_get_unique_sequential_numbers(database: Database) -> None:
    # Separate transactions at once: PostgreSQL queues them on the counter row, SQLite on its
    # write lock. Either way no number repeats and none is skipped.
    drafts = await asyncio.gather(*(drafted(database) for _ in range(10)))
    numbers = sorted(int(d.identifier.rsplit("-", 1)[1]) for d in drafts)
    assert numbers == list(range(1, 11))


# --- drafting ------------------------------------------------------------------------------


async def test_a_draft_round_trips(database: Database) -> None:
    draft = await drafted(
        database,
        kind=AlertKind.TRANSPORT,
        transport=Transport(TransportMode.ROAD, "N-25", "Mastung–Kalat"),
        districts=("mastung", "kalat"),
        effective=NOW.astimezone(datetime.now().astimezone().tzinfo),
    )
    loaded = await get(database, draft.identifier)
    assert loaded == draft
    assert loaded.content.effective.tzinfo is not None and loaded.created_at.tzinfo is not None
    assert loaded.content.language == "en" and loaded.content.districts == ("mastung", "kalat")
    assert await actions(database, draft.identifier) == [AuditAction.DRAFTED]


async def test_a_displacement_round_trips(database: Database) -> None:
    draft = await drafted(
        database,
        kind=AlertKind.DISPLACEMENT,
        displacement=Displacement(120, 700, "Awaran", "Turbat"),
        texts=(AlertText("ur", "آواران سے نقل مکانی"), AlertText("en", "Families leave Awaran")),
    )
    loaded = await get(database, draft.identifier)
    assert loaded == draft
    assert loaded.content.language == "ur"


async def test_an_invalid_draft_is_refused_with_codes(database: Database) -> None:
    with pytest.raises(InvalidAlert) as error:
        await drafted(database, districts=("atlantis",), texts=(AlertText("en", ""),))
    assert [p.code for p in error.value.problems] == [
        ProblemCode.HEADLINE_MISSING,
        ProblemCode.UNKNOWN_DISTRICT,
    ]
    async with database.transaction() as session:
        assert await load_alerts(session, alert.c.author_id == AUTHOR) == []


async def test_submit_checks_the_draft_again(database: Database) -> None:
    draft = await drafted(database)
    async with database.transaction() as session:
        with pytest.raises(InvalidAlert) as error:
            await alerts.submit_alert(
                session,
                identifier=draft.identifier,
                by=AUTHOR,
                gazetteer=G,
                now=NOW + timedelta(days=2),
            )
    assert [p.code for p in error.value.problems] == [ProblemCode.EXPIRES_IN_PAST]


async def test_submit_refusals(database: Database) -> None:
    draft = await drafted(database)
    async with database.transaction() as session:
        other = await alerts.submit_alert(
            session, identifier=draft.identifier, by=OTHER, gazetteer=G, now=NOW
        )
        first = await alerts.submit_alert(
            session, identifier=draft.identifier, by=AUTHOR, gazetteer=G, now=NOW
        )
        again = await alerts.submit_alert(
            session, identifier=draft.identifier, by=AUTHOR, gazetteer=G, now=NOW
        )
        missing = await alerts.submit_alert(
            session, identifier="KB-2026-9999", by=AUTHOR, gazetteer=G, now=NOW
        )
    assert [r.outcome for r in (other, first, again, missing)] == [
        Outcome.NOT_AUTHOR,
        Outcome.DONE,
        Outcome.ALREADY_SUBMITTED,
        Outcome.NOT_FOUND,
    ]
    assert await actions(database, draft.identifier) == [
        AuditAction.DRAFTED,
        AuditAction.SUBMITTED,
    ]


# --- verification --------------------------------------------------------------------------


async def test_a_second_person_verifies(database: Database) -> None:
    sent = await submitted(database)
    result = await verify(database, sent.identifier, OPERATOR)
    assert result.done and result.alert is not None
    assert await get(database, sent.identifier) == result.alert
    assert (result.alert.state, result.alert.verified_by, result.alert.verified_at) == (
        AlertState.VERIFIED,
        OPERATOR,
        NOW,
    )
    assert await actions(database, sent.identifier) == [
        AuditAction.DRAFTED,
        AuditAction.SUBMITTED,
        AuditAction.APPROVED,
    ]


async def test_the_author_cannot_verify_their_own_alert(database: Database) -> None:
    sent = await submitted(database)
    result = await verify(database, sent.identifier, AUTHOR)
    assert result.outcome is Outcome.OWN_ALERT
    assert (await get(database, sent.identifier)).state is AlertState.PENDING
    assert AuditAction.APPROVED not in await actions(database, sent.identifier)


async def test_a_double_approval_approves_once(database: Database) -> None:
    sent = await submitted(database)
    first = await verify(database, sent.identifier, OPERATOR)
    second = await verify(database, sent.identifier, OTHER)
    assert (first.outcome, second.outcome) == (Outcome.DONE, Outcome.ALREADY_VERIFIED)
    assert (await get(database, sent.identifier)).verified_by == OPERATOR
    assert (await actions(database, sent.identifier)).count(AuditAction.APPROVED) == 1


async def test_two_operators_approving_at_once_approve_once(database: Database) -> None:
    sent = await submitted(database)
    results = await asyncio.gather(*(verify(database, sent.identifier, op) for op in (7, 8, 9)))
    assert sorted(r.outcome for r in results) == sorted(
        [Outcome.DONE, Outcome.ALREADY_VERIFIED, Outcome.ALREADY_VERIFIED]
    )
    winner = next(r for r in results if r.done)
    assert winner.alert is not None
    assert (await get(database, sent.identifier)).verified_by == winner.alert.verified_by
    assert (await actions(database, sent.identifier)).count(AuditAction.APPROVED) == 1


async def test_verification_refusals(database: Database) -> None:
    draft = await drafted(database)
    assert (await verify(database, draft.identifier, OPERATOR)).outcome is Outcome.NOT_SUBMITTED
    assert (await verify(database, "KB-2026-9999", OPERATOR)).outcome is Outcome.NOT_FOUND
    sent = await submitted(database)
    async with database.transaction() as session:
        late = await alerts.verify_alert(
            session, identifier=sent.identifier, by=OPERATOR, now=NOW + timedelta(hours=24)
        )
    assert late.outcome is Outcome.EXPIRED


async def test_reject_needs_a_reason_which_is_stored(database: Database) -> None:
    sent = await submitted(database)
    async with database.transaction() as session:
        with pytest.raises(InvalidAlert):
            await alerts.reject_alert(
                session, identifier=sent.identifier, by=OPERATOR, reason=" ", now=NOW
            )
        result = await alerts.reject_alert(
            session, identifier=sent.identifier, by=OPERATOR, reason=" unconfirmed ", now=NOW
        )
    assert result.done
    stored = await get(database, sent.identifier)
    assert (stored.state, stored.rejected_by, stored.rejection_reason) == (
        AlertState.REJECTED,
        OPERATOR,
        "unconfirmed",
    )
    assert (await verify(database, sent.identifier, OTHER)).outcome is Outcome.ALREADY_REJECTED
    async with database.transaction() as session:
        entries = await list_audit(session, alert=sent.identifier)
    assert entries[0].action is AuditAction.REJECTED
    assert entries[0].detail == {"reason": "unconfirmed"}


# --- corrections ---------------------------------------------------------------------------


async def update_of(db: Database, original: str, *, by: int = OTHER, **changes: object) -> Alert:
    async with db.transaction() as session:
        return await alert_drafts.create_update(
            session,
            original=original,
            by=by,
            changes=Changes(**changes),  # type: ignore[arg-type]
            gazetteer=G,
            now=NOW,
        )


async def cancel_of(db: Database, original: str, *, by: int = OTHER) -> Alert:
    async with db.transaction() as session:
        return await alert_drafts.create_cancel(
            session, original=original, by=by, reason="Road reopened", now=NOW
        )


async def test_an_update_supersedes_its_original_only_once_verified(database: Database) -> None:
    original = await published(database)
    update = await update_of(database, original.identifier, severity=Severity.MODERATE)
    assert (update.msg_type, update.references, update.state) == (
        MsgType.UPDATE,
        original.identifier,
        AlertState.DRAFT,
    )
    assert update.content.districts == original.content.districts
    assert update.content.severity is Severity.MODERATE
    assert (await get(database, original.identifier)).state is AlertState.VERIFIED
    async with database.transaction() as session:
        await alerts.submit_alert(
            session, identifier=update.identifier, by=OTHER, gazetteer=G, now=NOW
        )
    assert (await get(database, original.identifier)).state is AlertState.VERIFIED
    # Its author cannot approve it; the original's author can.
    assert (await verify(database, update.identifier, OTHER)).outcome is Outcome.OWN_ALERT
    assert (await verify(database, update.identifier, AUTHOR)).done
    closed = await get(database, original.identifier)
    assert (closed.state, closed.closed_by, closed.closed_by_alert, closed.closed_at) == (
        AlertState.SUPERSEDED,
        AUTHOR,
        update.identifier,
        NOW,
    )
    assert (await actions(database, original.identifier))[-1] is AuditAction.UPDATED
    # A second tap on the update's approve button is a double approval, nothing else.
    assert (await verify(database, update.identifier, OPERATOR)).outcome is Outcome.ALREADY_VERIFIED


async def test_a_cancel_is_pending_at_once_and_cancels_once_verified(database: Database) -> None:
    original = await published(database)
    cancel = await cancel_of(database, original.identifier)
    assert (cancel.msg_type, cancel.state, cancel.note) == (
        MsgType.CANCEL,
        AlertState.PENDING,
        "Road reopened",
    )
    assert cancel.content == original.content
    # A double tap does not make a second cancel.
    assert await cancel_of(database, original.identifier, by=OPERATOR) == cancel
    async with database.transaction() as session:
        queue = await alert_queries.list_pending(session)
    assert [a.identifier for a in queue] == [cancel.identifier]
    assert await actions(database, cancel.identifier) == [
        AuditAction.DRAFTED,
        AuditAction.SUBMITTED,
    ]
    assert (await verify(database, cancel.identifier, OPERATOR)).done
    assert (await get(database, original.identifier)).state is AlertState.CANCELLED
    assert (await actions(database, original.identifier))[-1] is AuditAction.CANCELLED


async def test_only_live_alerts_are_corrected(database: Database) -> None:
    sent = await submitted(database)
    with pytest.raises(TransitionRefused) as error:
        await update_of(database, sent.identifier)
    assert error.value.outcome is Outcome.ORIGINAL_NOT_ACTIVE
    with pytest.raises(TransitionRefused) as error:
        await cancel_of(database, "KB-2026-9999")
    assert error.value.outcome is Outcome.NOT_FOUND
    with pytest.raises(InvalidAlert):
        await update_of(database, (await published(database)).identifier, districts=())


async def test_of_two_corrections_only_the_first_verified_closes(database: Database) -> None:
    original = await published(database)
    update = await update_of(database, original.identifier)
    async with database.transaction() as session:
        await alerts.submit_alert(
            session, identifier=update.identifier, by=OTHER, gazetteer=G, now=NOW
        )
    cancel = await cancel_of(database, original.identifier)
    assert (await verify(database, cancel.identifier, OPERATOR)).done
    late = await verify(database, update.identifier, OPERATOR)
    assert late.outcome is Outcome.ORIGINAL_NOT_ACTIVE
    assert (await get(database, update.identifier)).state is AlertState.PENDING
    assert (await get(database, original.identifier)).closed_by_alert == cancel.identifier


async def test_racing_corrections_close_the_original_once(database: Database) -> None:
    original = await published(database)
    updates = [await update_of(database, original.identifier, by=by) for by in (11, 12, 13)]
    async with database.transaction() as session:
        for update in updates:
            await alerts.submit_alert(
                session, identifier=update.identifier, by=update.author_id, gazetteer=G, now=NOW
            )
    results = await asyncio.gather(*(verify(database, u.identifier, OPERATOR) for u in updates))
    assert sorted(r.outcome for r in results) == sorted(
        [Outcome.DONE, Outcome.ORIGINAL_NOT_ACTIVE, Outcome.ORIGINAL_NOT_ACTIVE]
    )
    states = [(await get(database, u.identifier)).state for u in updates]
    assert sorted(states) == sorted([AlertState.VERIFIED, AlertState.PENDING, AlertState.PENDING])
    assert (await actions(database, original.identifier)).count(AuditAction.UPDATED) == 1


# --- exercises, expiry and hand-off --------------------------------------------------------


async def test_exercises_are_carried_and_team_only(database: Database) -> None:
    drill = await published(database, status=Status.EXERCISE)
    assert drill.content.status is Status.EXERCISE and drill.content.team_only
    update = await update_of(database, drill.identifier)
    assert update.content.status is Status.EXERCISE and update.content.team_only
    public = await published(database, status=Status.TEST, restricted_to_team=False)
    assert not (await get(database, public.identifier)).content.team_only


async def test_expiry_is_set_based_and_idempotent(database: Database) -> None:
    soon = await published(database, expires=NOW + timedelta(hours=1))
    later = await published(database)
    waiting = await submitted(database, expires=NOW + timedelta(hours=1))
    tick = NOW + timedelta(hours=1)
    async with database.transaction() as session:
        assert await alerts.expire_due(session, now=tick) == [soon.identifier]
    async with database.transaction() as session:
        assert await alerts.expire_due(session, now=tick) == []
    expired = await get(database, soon.identifier)
    assert (expired.state, expired.closed_at) == (AlertState.EXPIRED, tick)
    assert (await get(database, later.identifier)).state is AlertState.VERIFIED
    assert (await get(database, waiting.identifier)).state is AlertState.PENDING
    assert (await actions(database, soon.identifier)).count(AuditAction.EXPIRED) == 1
    async with database.transaction() as session:
        entries = await list_audit(session, alert=soon.identifier, limit=1)
    assert entries[0].actor_id is None


async def test_hand_off_to_delivery(database: Database) -> None:
    sent = await submitted(database)
    live = await published(database)
    drill = await published(database, status=Status.TEST)
    gone = await published(database, expires=NOW + timedelta(minutes=1))
    tick = NOW + timedelta(minutes=5)
    async with database.transaction() as session:
        inbox = await deliveries.list_due_unplanned(session, now=tick)
    assert inbox == [live.identifier, drill.identifier]
    assert sent.identifier not in inbox
    assert gone.identifier not in inbox
    async with database.transaction() as session:
        assert await alert_queries.mark_delivery_planned(
            session, identifier=live.identifier, now=tick
        )
        assert not await alert_queries.mark_delivery_planned(
            session, identifier=live.identifier, now=tick
        )
        inbox = await deliveries.list_due_unplanned(session, now=tick)
    assert inbox == [drill.identifier]
    assert (await get(database, live.identifier)).delivery_planned_at == tick


async def test_rows_are_cleared_between_tests(database: Database) -> None:
    # The fixture deletes rows in reverse dependency order; alerts referencing alerts included.
    original = await published(database)
    await cancel_of(database, original.identifier)
    async with database.transaction() as session:
        assert len(await alert_queries.list_pending(session)) == 1
