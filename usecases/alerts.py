"""Alerts through the two-person lifecycle: draft and submit, update, cancel, approve, reject."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import (
    Alert,
    AlertContent,
    AlertState,
    Changes,
    InvalidAlert,
    Outcome,
    Problem,
    TransitionRefused,
)
from domain.gazetteer import Gazetteer
from storage import alert_drafts, alert_queries, alerts, sessions, verification_requests
from storage.db import Database
from storage.verification_requests import Request


@dataclass(frozen=True, slots=True)
class AlertOutcome:
    """What became of a request: DONE with the alert as it now stands, or why not.

    `problems` lists what is wrong with the content or reason (outcome INVALID then is None
    and alert is None); otherwise `outcome` is the lifecycle's answer. A decision also hands
    back the verification request messages it closed (chat, message) for editing."""

    outcome: Outcome | None
    alert: Alert | None = None
    problems: tuple[Problem, ...] = ()
    requests: tuple[Request, ...] = ()

    @property
    def done(self) -> bool:
        """Whether the request changed anything."""
        return self.outcome is Outcome.DONE


def _invalid(invalid: InvalidAlert) -> AlertOutcome:
    return AlertOutcome(None, problems=tuple(invalid.problems))


async def draft_and_submit_in(
    session: AsyncSession, *, content: AlertContent, by: int, gazetteer: Gazetteer, now: datetime
) -> Alert:
    """Store a new alert and send it for verification, in the caller's transaction (CAP import
    adds its own bookkeeping beside it). Raises InvalidAlert."""
    draft = await alert_drafts.create_draft(
        session, content=content, by=by, gazetteer=gazetteer, now=now
    )
    result = await alerts.submit_alert(
        session, identifier=draft.identifier, by=by, gazetteer=gazetteer, now=now
    )
    assert result.alert is not None
    return result.alert


async def draft_and_submit(
    *, database: Database, content: AlertContent, by: int, gazetteer: Gazetteer, now: datetime
) -> AlertOutcome:
    """An operator's new alert, pending for a second operator; their wizard is finished."""
    try:
        async with database.transaction() as session:
            pending = await draft_and_submit_in(
                session, content=content, by=by, gazetteer=gazetteer, now=now
            )
            await sessions.clear_flow(session, user_id=by)
    except InvalidAlert as invalid:
        return _invalid(invalid)
    return AlertOutcome(Outcome.DONE, pending)


async def find_alert(*, database: Database, identifier: str) -> Alert | None:
    """The alert with this identifier in whatever state it is."""
    async with database.read() as session:
        return await alert_queries.get_alert(session, identifier=identifier)


async def live_alert(*, database: Database, identifier: str | None) -> Alert | None:
    """The verified alert with this identifier, if it is live (what /update and /cancel need)."""
    if identifier is None:
        return None
    async with database.read() as session:
        found = await alert_queries.get_alert(session, identifier=identifier)
    return found if found is not None and found.state is AlertState.VERIFIED else None


async def update(
    *,
    database: Database,
    original: str,
    by: int,
    changes: Changes,
    gazetteer: Gazetteer,
    now: datetime,
) -> AlertOutcome:
    """An update of a live alert, submitted for verification at once."""
    try:
        async with database.transaction() as session:
            draft = await alert_drafts.create_update(
                session, original=original, by=by, changes=changes, gazetteer=gazetteer, now=now
            )
            result = await alerts.submit_alert(
                session, identifier=draft.identifier, by=by, gazetteer=gazetteer, now=now
            )
    except InvalidAlert as invalid:
        return _invalid(invalid)
    except TransitionRefused as refused:
        return AlertOutcome(refused.outcome)
    return AlertOutcome(result.outcome, result.alert)


async def cancel(
    *, database: Database, original: str, by: int, reason: str, now: datetime
) -> AlertOutcome:
    """A cancel of a live alert, pending at once (an already waiting cancel is returned)."""
    try:
        async with database.transaction() as session:
            pending = await alert_drafts.create_cancel(
                session, original=original, by=by, reason=reason, now=now
            )
    except InvalidAlert as invalid:
        return _invalid(invalid)
    except TransitionRefused as refused:
        return AlertOutcome(refused.outcome)
    return AlertOutcome(Outcome.DONE, pending)


async def approve(*, database: Database, identifier: str, by: int, now: datetime) -> AlertOutcome:
    """The second operator's approval; the other verifiers' requests are closed with it."""
    requests: list[Request] = []
    async with database.transaction() as session:
        result = await alerts.verify_alert(session, identifier=identifier, by=by, now=now)
        if result.done:
            requests = await verification_requests.take_requests(session, identifier=identifier)
    return AlertOutcome(result.outcome, result.alert, requests=tuple(requests))


async def reject(
    *, database: Database, identifier: str, by: int, reason: str, now: datetime
) -> AlertOutcome:
    """Turn a pending alert down with a reason; the rejecter's reason prompt is finished and
    the verifiers' requests are closed."""
    requests: list[Request] = []
    try:
        async with database.transaction() as session:
            result = await alerts.reject_alert(
                session, identifier=identifier, by=by, reason=reason, now=now
            )
            await sessions.clear_flow(session, user_id=by)
            if result.done:
                requests = await verification_requests.take_requests(session, identifier=identifier)
    except InvalidAlert as invalid:
        return _invalid(invalid)
    return AlertOutcome(result.outcome, result.alert, requests=tuple(requests))


async def remember_requests(
    *, database: Database, identifier: str, sent: Sequence[Request]
) -> None:
    """Keep where an alert's verification requests went, to close them once it is decided."""
    async with database.transaction() as session:
        await verification_requests.remember_requests(session, identifier=identifier, sent=sent)


async def ask_for_reason(*, database: Database, identifier: str, by: int) -> bool:
    """Remember that the operator is typing a rejection reason; False if there is no such alert."""
    async with database.transaction() as session:
        if await alert_queries.get_alert(session, identifier=identifier) is None:
            return False
        await sessions.save_flow(
            session, user_id=by, flow=sessions.Flow(REJECT, "reason", {"identifier": identifier})
        )
    return True


async def pending(*, database: Database, limit: int = 10) -> list[Alert]:
    """The verification queue, cancels first."""
    async with database.read() as session:
        return await alert_queries.list_pending(session, limit=limit)


REJECT = "reject"  # the flow of an operator typing the reason of a rejection
