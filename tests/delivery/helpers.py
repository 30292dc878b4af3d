"""Alerts and residents for delivery tests, made through the real storage functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from domain.alerts import Alert, AlertContent, AlertKind, AlertText, Certainty, Severity, Urgency
from domain.gazetteer import Gazetteer
from domain.preferences import ALL_KINDS_MASK
from storage import alert_drafts, alerts
from storage.db import Database

G = Gazetteer.default()
AUTHOR, VERIFIER = 101, 202


def content(now: datetime, **overrides: object) -> AlertContent:
    """A severe security alert for Quetta, effective now, in English and Urdu."""
    values: dict[str, object] = {
        "kind": AlertKind.SECURITY,
        "severity": Severity.SEVERE,
        "urgency": Urgency.EXPECTED,
        "certainty": Certainty.OBSERVED,
        "texts": (
            AlertText("en", "Firing near Quetta bypass", "Reported by residents.", "Stay in."),
            AlertText("ur", "کوئٹہ بائی پاس کے قریب فائرنگ"),
        ),
        "districts": ("quetta",),
        "effective": now,
        "expires": now + timedelta(hours=6),
        "source": "District administration",
    }
    values.update(overrides)
    return AlertContent(**values)  # type: ignore[arg-type]


async def publish(db: Database, *, now: datetime | None = None, **overrides: object) -> Alert:
    """Draft, submit and verify an alert (two operators), as the operator handlers will."""
    now = now or datetime.now(UTC)
    async with db.transaction() as session:
        draft = await alert_drafts.create_draft(
            session, content=content(now, **overrides), by=AUTHOR, gazetteer=G, now=now
        )
        await alerts.submit_alert(
            session, identifier=draft.identifier, by=AUTHOR, gazetteer=G, now=now
        )
        result = await alerts.verify_alert(
            session, identifier=draft.identifier, by=VERIFIER, now=now
        )
    assert result.done and result.alert is not None
    return result.alert


async def correct(
    db: Database,
    original: Alert,
    *,
    cancel: bool = False,
    now: datetime | None = None,
    **changes: Any,
) -> Alert:
    """Verify an update (with these changes) or a cancel of a live alert."""
    from domain.alerts import Changes

    now = now or datetime.now(UTC)
    async with db.transaction() as session:
        if cancel:
            draft = await alert_drafts.create_cancel(
                session, original=original.identifier, by=AUTHOR, reason="False report", now=now
            )
        else:
            draft = await alert_drafts.create_update(
                session,
                original=original.identifier,
                by=AUTHOR,
                changes=Changes(**changes),
                gazetteer=G,
                now=now,
            )
            await alerts.submit_alert(
                session, identifier=draft.identifier, by=AUTHOR, gazetteer=G, now=now
            )
        result = await alerts.verify_alert(
            session, identifier=draft.identifier, by=VERIFIER, now=now
        )
    assert result.done and result.alert is not None, result.outcome
    return result.alert


async def add_residents(
    db: Database,
    chat_ids: Iterable[int],
    districts: Iterable[str] = ("quetta",),
    *,
    language: str = "en",
    kinds_mask: int = ALL_KINDS_MASK,
    min_severity: Severity = Severity.MINOR,
    quiet: tuple[int, int] | None = None,
    active: bool = True,
) -> list[int]:
    """Residents following districts, inserted in bulk (100,000 take a second or two)."""
    ids = list(chat_ids)
    where = list(districts)
    quiet_start, quiet_end = quiet if quiet else (None, None)
    async with db.transaction() as session:
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            await session.execute(
                insert(SQLModel.metadata.tables["resident"]),
                [
                    {
                        "chat_id": c,
                        "language": language,
                        "kinds_mask": kinds_mask,
                        "min_severity": int(min_severity),
                        "quiet_start": quiet_start,
                        "quiet_end": quiet_end,
                        "active": active,
                    }
                    for c in chunk
                ],
            )
            if where:
                await session.execute(
                    insert(SQLModel.metadata.tables["subscription"]),
                    [{"chat_id": c, "district": d} for c in chunk for d in where],
                )
    return ids


def shared_only(database: Database) -> None:
    """Skip on SQLite: it runs one process, and the shared send budget is PostgreSQL's."""
    if database.is_sqlite:
        pytest.skip("SQLite runs one process; the shared budget is PostgreSQL's")


def refuse_statements(
    database: Database,
    matches: Callable[[str, tuple[Any, ...]], bool],
    *,
    times: int = 1,
    after: int = 0,
) -> list[str]:
    """Make the database refuse statements, as a dropped connection would: of those that
    `matches(statement, parameters)`, the first `after` go through, the next `times` fail.
    Returns the refused statements."""
    failed: list[str] = []
    seen = [0]

    def refuse(_conn: object, _cursor: object, statement: str, parameters: Any, *_: Any) -> None:
        values = parameters.values() if isinstance(parameters, dict) else parameters or ()
        if len(failed) >= times or not matches(statement, tuple(values)):
            return
        seen[0] += 1
        if seen[0] > after:
            failed.append(statement)
            raise OperationalError(statement, None, ConnectionError("server closed the connection"))

    event.listen(database.engine.sync_engine, "before_cursor_execute", refuse)
    return failed


def fail_claim(database: Database, *, kind: str | None = None, after: int = 0) -> list[str]:
    """Refuse one claim (of rows of `kind`, if given) after `after` went through."""

    def claim(statement: str, values: tuple[Any, ...]) -> bool:
        claiming = statement.lstrip().startswith("UPDATE delivery") and "RETURNING" in statement
        return claiming and (kind is None or kind in values)

    return refuse_statements(database, claim, after=after)
