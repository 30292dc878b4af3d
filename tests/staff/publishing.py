"""Publishing alerts the way operators do (draft, submit, a second person verifies), for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.alerts import (
    Alert,
    AlertContent,
    AlertKind,
    AlertText,
    Certainty,
    Displacement,
    Severity,
    Transport,
    TransportMode,
    Urgency,
)
from domain.gazetteer import Gazetteer
from storage import alert_drafts, alerts
from storage.db import Database

G = Gazetteer.default()
AUTHOR, VERIFIER = 5101, 5202


def content(now: datetime | None = None, **overrides: object) -> AlertContent:
    """A security alert in Quetta, in English and Urdu, unless overridden."""
    now = now or datetime.now(UTC)
    values: dict[str, object] = {
        "kind": AlertKind.SECURITY,
        "severity": Severity.SEVERE,
        "urgency": Urgency.IMMEDIATE,
        "certainty": Certainty.OBSERVED,
        "texts": (
            AlertText("en", "Firing near Quetta bypass", "Reported by police.", "Stay inside."),
            AlertText("ur", "کوئٹہ بائی پاس کے قریب فائرنگ"),
        ),
        "districts": ("quetta",),
        "effective": now,
        "expires": now + timedelta(hours=24),
        "source": "District administration",
    }
    values.update(overrides)
    return AlertContent(**values)  # type: ignore[arg-type]


def transport(now: datetime | None = None, **overrides: object) -> AlertContent:
    """N-25 closed between Mastung and Kalat."""
    values: dict[str, object] = {
        "kind": AlertKind.TRANSPORT,
        "texts": (AlertText("en", "N-25 closed between Mastung and Kalat"),),
        "districts": ("mastung", "kalat"),
        "transport": Transport(TransportMode.ROAD, "N-25", "Mastung–Kalat"),
    }
    values.update(overrides)
    return content(now, **values)


def displacement(now: datetime | None = None, **overrides: object) -> AlertContent:
    """Families displaced to Kech."""
    values: dict[str, object] = {
        "kind": AlertKind.DISPLACEMENT,
        "severity": Severity.MODERATE,
        "texts": (AlertText("en", "Families arriving in Turbat"),),
        "districts": ("kech",),
        "displacement": Displacement(120, 700, "Buleda", "Turbat"),
        "source": "UNHCR field team",
    }
    values.update(overrides)
    return content(now, **values)


async def draft(db: Database, alert: AlertContent, *, now: datetime | None = None) -> Alert:
    """An operator's draft."""
    async with db.transaction() as session:
        return await alert_drafts.create_draft(
            session, content=alert, by=AUTHOR, gazetteer=G, now=now or datetime.now(UTC)
        )


async def publish(db: Database, alert: AlertContent, *, now: datetime | None = None) -> Alert:
    """Draft, submit and verify an alert; returns it as verified."""
    now = now or datetime.now(UTC)
    drafted = await draft(db, alert, now=now)
    async with db.transaction() as session:
        await alerts.submit_alert(
            session, identifier=drafted.identifier, by=AUTHOR, gazetteer=G, now=now
        )
        result = await alerts.verify_alert(
            session, identifier=drafted.identifier, by=VERIFIER, now=now
        )
    assert result.done and result.alert is not None
    return result.alert
