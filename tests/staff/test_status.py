"""District status, overview and history from plain alert values."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from domain import status
from domain.alerts import (
    Alert,
    AlertContent,
    AlertKind,
    AlertState,
    Displacement,
    MsgType,
    Severity,
    Status,
)
from tests.staff.publishing import G, content, displacement, transport

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def published(body: AlertContent, number: int, *, hours_ago: float = 1, **fields: object) -> Alert:
    verified = NOW - timedelta(hours=hours_ago)
    values: dict[str, object] = {
        "identifier": f"KB-2026-{number:04d}",
        "content": body,
        "author_id": 1,
        "created_at": verified,
        "state": AlertState.VERIFIED,
        "verified_by": 2,
        "verified_at": verified,
    }
    values.update(fields)
    return Alert(**values)  # type: ignore[arg-type]


def test_active_alerts_grouped_by_kind_most_severe_first() -> None:
    alerts = [
        published(content(NOW, severity=Severity.MINOR), 1),
        published(content(NOW, severity=Severity.EXTREME), 2, hours_ago=3),
        published(transport(NOW, districts=("quetta",)), 3),
        published(content(NOW), 4, state=AlertState.EXPIRED),
        published(content(NOW, status=Status.EXERCISE), 5),
    ]
    picture = status.district_status(alerts, district="quetta", now=NOW, gazetteer=G)
    assert list(picture.active) == [AlertKind.SECURITY, AlertKind.TRANSPORT]
    assert [a.identifier for a in picture.active[AlertKind.SECURITY]] == [
        "KB-2026-0002",
        "KB-2026-0001",
    ]
    assert picture.highest is Severity.EXTREME and picture.active_count == 3
    assert picture.last_update == NOW - timedelta(hours=1) and not picture.stale


def test_suspensions_on_routes_through_the_district() -> None:
    on_n25 = published(transport(NOW), 1)  # names Mastung and Kalat; N-25 also crosses Quetta
    picture = status.district_status([on_n25], district="quetta", now=NOW, gazetteer=G)
    assert [(s.route, s.segment) for s in picture.suspensions] == [("N-25", "Mastung–Kalat")]
    assert picture.active == {}  # not named, so not one of Quetta's alerts
    assert picture.stale  # and Quetta itself has had no verified update


def test_displacement_latest_and_totals_count_updates_once() -> None:
    first = published(displacement(NOW), 1, hours_ago=48, state=AlertState.SUPERSEDED)
    update = published(
        displacement(NOW, displacement=Displacement(150, 800)),
        2,
        hours_ago=24,
        msg_type=MsgType.UPDATE,
        references="KB-2026-0001",
    )
    other = published(displacement(NOW, displacement=Displacement(None, 40)), 3, hours_ago=2)
    withdrawn = published(displacement(NOW), 4, state=AlertState.CANCELLED)
    old = published(displacement(NOW), 5, hours_ago=24 * 40, state=AlertState.EXPIRED)
    figures = status.displacement_figures([first, update, other, withdrawn, old], now=NOW)
    assert figures.latest is not None and figures.latest.identifier == "KB-2026-0003"
    assert (figures.families, figures.individuals, figures.reports) == (150, 840, 2)


def test_stale_after_is_configurable() -> None:
    alerts = [published(content(NOW), 1, hours_ago=5)]
    fresh = status.district_status(alerts, district="quetta", now=NOW, gazetteer=G)
    stale = status.district_status(
        alerts, district="quetta", now=NOW, gazetteer=G, stale_after=timedelta(hours=4)
    )
    assert not fresh.stale and stale.stale


def test_overview_by_division_counts_each_alert_once() -> None:
    alerts = [
        published(content(NOW, districts=("quetta", "pishin")), 1),
        published(transport(NOW), 2),
        published(displacement(NOW, districts=("kech", "gwadar")), 3),
    ]
    view = status.overview(alerts, now=NOW, gazetteer=G)
    assert view.counts == {
        AlertKind.SECURITY: 1,
        AlertKind.TRANSPORT: 1,
        AlertKind.DISPLACEMENT: 1,
    }
    assert (view.families, view.individuals) == (120, 700)
    quetta_division = next(d for d in view.divisions if d.division == "Quetta")
    assert quetta_division.counts == {AlertKind.SECURITY: 1}
    assert view.by_district["mastung"].routes == ("N-25",)
    assert view.by_district["gwadar"].families == 120  # the report names both districts
    assert view.by_district["zhob"].quiet
    assert sum(len(d.districts) for d in view.divisions) == len(G.districts)


def test_highest_by_district_and_history() -> None:
    alerts = [
        published(content(NOW, severity=Severity.MINOR), 1, hours_ago=50),
        published(content(NOW, severity=Severity.SEVERE), 2),
        published(dataclasses.replace(content(NOW), status=Status.TEST), 3),
    ]
    assert status.highest_by_district(alerts, now=NOW) == {"quetta": Severity.SEVERE}
    recent = status.district_history(alerts, district="quetta", since=NOW - timedelta(days=1))
    assert [a.identifier for a in recent] == ["KB-2026-0002"]
