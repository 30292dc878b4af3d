"""Partner exports: HXL-tagged CSVs, check-in counts, DTM-style displacement, the bot's pulse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Response

from api.auth import StaffCaller
from api.deps import ServicesDep
from api.hxl import (
    CHECKIN_COLUMNS,
    DISTRICT_COLUMNS,
    checkin_rows,
    districts_rows,
    hxl_csv,
)
from api.partner_schemas import CheckinCountsOut, DtmDisplacementOut, ServiceOut
from usecases import status
from usecases.checkins import checkin_report, service_health

router = APIRouter(prefix="/api/v1", tags=["partners"])
_CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "HXL-tagged CSV"}
}


def _csv(body: str, name: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="khabardar-{name}.csv"'},
    )


@router.get("/districts.csv", response_class=Response, responses=_CSV)
async def export_districts(services: ServicesDep, _caller: StaffCaller) -> Response:
    """Status per district (active alerts by kind, highest severity, displacement), HXL-tagged."""
    view = await status.overview(
        database=services.database,
        gazetteer=services.gazetteer,
        now=datetime.now(UTC),
        stale_after=timedelta(hours=services.settings.stale_after_hours),
    )
    return _csv(
        hxl_csv(DISTRICT_COLUMNS, districts_rows(view.overview, services.gazetteer)), "districts"
    )


@router.get("/checkins", response_model=list[CheckinCountsOut])
async def list_checkins(services: ServicesDep, _caller: StaffCaller) -> list[CheckinCountsOut]:
    """Check-in answers per alert and district: counts only, null where fewer than 5."""
    report = await checkin_report(database=services.database)
    return [CheckinCountsOut.of(c, services.gazetteer) for c in report.counts]


@router.get("/checkins.csv", response_class=Response, responses=_CSV)
async def export_checkins(services: ServicesDep, _caller: StaffCaller) -> Response:
    """The same counts as HXL-tagged CSV ('<5' where fewer than 5)."""
    report = await checkin_report(database=services.database)
    rows = checkin_rows(report.counts, services.gazetteer, report.alerts)
    return _csv(hxl_csv(CHECKIN_COLUMNS, rows), "checkins")


@router.get("/displacement", response_model=list[DtmDisplacementOut])
async def displacement(services: ServicesDep, _caller: StaffCaller) -> list[DtmDisplacementOut]:
    """Displacement per district over the status window, under IOM DTM's field names."""
    found = await status.displacement_by_district(
        database=services.database, gazetteer=services.gazetteer, now=datetime.now(UTC)
    )
    return [
        DtmDisplacementOut.of(
            d,
            services.gazetteer,
            individuals=figures.individuals,
            families=figures.families,
            reported=figures.latest.reported_at if figures.latest else None,
            reports=figures.reports,
        )
        for d in services.gazetteer.districts
        if (figures := found.get(d.slug)) is not None
    ]


@router.get("/service", response_model=ServiceOut)
async def service(services: ServicesDep, _caller: StaffCaller) -> ServiceOut:
    """When the bot last reached Telegram, and how many messages wait to be sent."""
    health = await service_health(database=services.database, metrics=services.metrics)
    return ServiceOut(
        telegram_last_reached=health.telegram_reached_at,
        queue_depth=health.queue_depth,
        held_for_quiet_hours=health.held,
    )
