"""The staff API: districts, district status, the overview, alerts (JSON and CSV), the audit log."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from api.auth import AdminCaller, StaffCaller
from api.deps import ServicesDep
from api.hxl import ALERT_COLUMNS, hxl_csv, place_cells
from api.schemas import AlertOut, AuditOut, DistrictOut, OverviewOut, StatusOut
from core.context import Services
from domain.alerts import Alert, AlertKind, AlertState, Status, parse_identifier
from domain.gazetteer import Gazetteer
from storage.alert_queries import get_alert
from storage.audit import export_audit_rows
from storage.status_queries import AlertFilter, search_alerts
from usecases import status
from views.map import render_situation

router = APIRouter(prefix="/api/v1", tags=["staff"])
MAX_CSV_ROWS = 10_000


def _stale_after(services: Services) -> timedelta:
    return timedelta(hours=services.settings.stale_after_hours)


@router.get("/districts", response_model=list[DistrictOut])
async def list_districts(services: ServicesDep, _caller: StaffCaller) -> list[DistrictOut]:
    """Every district with its subscriber count and active alerts."""
    report = await status.districts(
        database=services.database,
        gazetteer=services.gazetteer,
        now=datetime.now(UTC),
        stale_after=_stale_after(services),
    )
    view = report.overview
    return [
        DistrictOut.of(
            d,
            subscribers=report.subscribers.get(d.slug, 0),
            active=sum(view.by_district[d.slug].counts.values()),
            highest=view.by_district[d.slug].highest,
        )
        for d in services.gazetteer.districts
    ]


@router.get("/districts/{slug}/status", response_model=StatusOut)
async def district_status(services: ServicesDep, slug: str, _caller: StaffCaller) -> StatusOut:
    """Active alerts, transport suspensions, displacement and freshness of one district."""
    if services.gazetteer.get(slug) is None:
        raise HTTPException(404, "no such district")
    report = await status.district_status(
        database=services.database,
        gazetteer=services.gazetteer,
        district=slug,
        now=datetime.now(UTC),
        stale_after=_stale_after(services),
        count_subscribers=True,
    )
    found = StatusOut.of(
        report.status, subscribers=report.subscribers or 0, channels=report.channels
    )
    return found.model_copy(update={"data_shutdown_since": report.shutdown_since})


@router.get("/overview", response_model=OverviewOut)
async def overview(services: ServicesDep, _caller: StaffCaller) -> OverviewOut:
    """The province by division and district."""
    report = await status.overview(
        database=services.database,
        gazetteer=services.gazetteer,
        now=datetime.now(UTC),
        stale_after=_stale_after(services),
    )
    found = OverviewOut.of(report.overview, channels=report.channels)
    return found.model_copy(update={"data_shutdowns": report.shutdowns})


DistrictQ = Annotated[str | None, Query(description="District slug, e.g. quetta")]
KindQ = Annotated[AlertKind | None, Query()]
StateQ = Annotated[AlertState | None, Query(description="Lifecycle state; drafts are never listed")]
StatusQ = Annotated[Status | None, Query(description="actual, exercise or test")]
ActiveQ = Annotated[bool, Query(description="Only alerts live now")]
SinceQ = Annotated[datetime | None, Query(description="Sent at or after (ISO 8601 with offset)")]
UntilQ = Annotated[datetime | None, Query(description="Sent before (ISO 8601 with offset)")]


def _filter(
    services: ServicesDep,
    district: DistrictQ = None,
    kind: KindQ = None,
    state: StateQ = None,
    status: StatusQ = None,
    active: ActiveQ = False,
    since: SinceQ = None,
    until: UntilQ = None,
) -> AlertFilter:
    """The alert filters both the JSON list and the CSV export take (a FastAPI dependency)."""
    if district is not None and services.gazetteer.get(district) is None:
        raise HTTPException(422, "no such district")
    for moment in (since, until):
        if moment is not None and moment.tzinfo is None:
            raise HTTPException(422, "times need an offset, e.g. 2026-03-01T08:00:00+05:00")
    return AlertFilter(
        district=district,
        kind=kind,
        state=state,
        status=status,
        active_at=datetime.now(UTC) if active else None,
        since=since,
        until=until,
    )


Filters = Annotated[AlertFilter, Depends(_filter)]


@router.get("/alerts", response_model=list[AlertOut])
async def list_alerts(
    services: ServicesDep,
    _caller: StaffCaller,
    where: Filters,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[AlertOut]:
    """Alerts, newest sent first, filtered by district, kind, state, status and time."""
    async with services.database.read() as session:
        found = await search_alerts(session, where=where, limit=limit, offset=offset)
    return [AlertOut.of(a) for a in found]


@router.get(
    "/alerts.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "One alert per row"}},
)
async def export_alerts(services: ServicesDep, _caller: StaffCaller, where: Filters) -> Response:
    """The same alerts as CSV (UTF-8, at most 10,000 rows) with an HXL hashtag row."""
    async with services.database.read() as session:
        found = await search_alerts(session, where=where, limit=MAX_CSV_ROWS)
    return Response(
        alerts_csv(found, services.gazetteer),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="khabardar-alerts.csv"'},
    )


@router.get("/alerts/{identifier}", response_model=AlertOut)
async def show_alert(services: ServicesDep, identifier: str, _caller: StaffCaller) -> AlertOut:
    """One alert by its reference (KB-2026-0042)."""
    canonical = parse_identifier(identifier)
    async with services.database.read() as session:
        found = await get_alert(session, identifier=canonical) if canonical else None
    if found is None or found.state is AlertState.DRAFT:
        raise HTTPException(404, "no such alert")
    return AlertOut.of(found)


@router.get("/audit", response_model=list[AuditOut], tags=["admin"])
async def audit_log(
    services: ServicesDep,
    _caller: AdminCaller,
    after_id: Annotated[int, Query(ge=0, description="The last id already read")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditOut]:
    """The audit log oldest first, a page at a time (admin tokens only)."""
    async with services.database.read() as session:
        rows = await export_audit_rows(session, after_id=after_id, limit=limit)
    return [AuditOut(**row) for row in rows]


def alerts_csv(alerts: list[Alert], gazetteer: Gazetteer) -> str:
    """Alerts as HXL-tagged CSV in the primary language, with their districts' P-codes."""
    rows = []
    for a in alerts:
        row = AlertOut.of(a).model_dump()
        text = a.content.texts[0]
        row |= {
            "districts": " ".join(a.content.districts),
            "language": text.language,
            "headline": text.headline,
            "description": text.description,
            "instruction": text.instruction,
            **place_cells(gazetteer, a.content.districts),
        }
        rows.append(row)
    return hxl_csv(ALERT_COLUMNS, rows)


@router.get(
    "/map.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The map /map sends"}},
)
async def situation_map(
    services: ServicesDep,
    _caller: StaffCaller,
    lang: Annotated[str | None, Query(description="Language of labels, e.g. ur")] = None,
) -> Response:
    """District outlines coloured by highest active severity, suspended routes, a legend."""
    language = lang if lang in services.catalogs.languages else services.settings.default_language
    now = datetime.now(UTC)
    view = await status.map_view(database=services.database, now=now)
    png = await asyncio.to_thread(
        render_situation,
        services.gazetteer,
        view.highest,
        view.suspended,
        services.catalogs.get(language),
        now=now,
        tz=services.settings.tz,
    )
    # A picture of the situation now: never cached by a proxy or the browser.
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
