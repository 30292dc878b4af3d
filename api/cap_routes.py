"""Public CAP 1.2 documents and Atom feeds of published alerts, for alert aggregators.

No token: these alerts were already sent to every resident who follows their districts.
Exercises, tests, team-only alerts and anything not yet verified are never served.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, Response

from api.deps import ServicesDep
from core.context import Services
from domain.alerts import AlertKind, parse_identifier
from domain.cap import model as cap
from domain.cap.export import CapContext, FeedEntry, alert_xml, atom_feed
from domain.status import is_published
from storage.alert_queries import get_alert
from storage.status_queries import list_published
from views.alerts import KIND_NAMES

router = APIRouter(prefix="/cap", tags=["cap"])
FEED_SIZE = 50
# Aggregators poll; a minute of caching spares the database without delaying an alert much.
_CACHE = {"Cache-Control": "public, max-age=60"}


def _base_url(request: Request, services: Services) -> str:
    configured = services.settings.public_url
    return (configured or str(request.base_url)).rstrip("/")


def cap_context(services: Services) -> CapContext:
    """How this deployment writes CAP: its sender id, gazetteer, time zone and event names."""

    def event_name(kind: AlertKind, language: str) -> str:
        return services.catalogs.get(language).plain(KIND_NAMES[kind])

    settings = services.settings
    return CapContext(
        sender=settings.cap_sender,
        gazetteer=services.gazetteer,
        tz=settings.tz,
        event_name=event_name,
    )


@router.get(
    "/{identifier}.xml",
    response_class=Response,
    responses={200: {"content": {cap.CAP_MEDIA_TYPE: {}}, "description": "A CAP 1.2 alert"}},
)
async def cap_alert(services: ServicesDep, identifier: str) -> Response:
    """One published alert, update or cancel as a CAP 1.2 document."""
    canonical = parse_identifier(identifier)
    async with services.database.read() as session:
        found = await get_alert(session, identifier=canonical) if canonical else None
        referenced = None
        if found is not None and found.references:
            referenced = await get_alert(session, identifier=found.references)
    if found is None or not is_published(found):
        raise HTTPException(404, "no such published alert")
    body = alert_xml(found, cap_context(services), referenced=referenced)
    return Response(body, media_type=cap.CAP_MEDIA_TYPE, headers=_CACHE)


@router.get(
    "/feed.atom",
    response_class=Response,
    responses={200: {"content": {cap.ATOM_MEDIA_TYPE: {}}, "description": "An Atom feed"}},
)
async def feed(request: Request, services: ServicesDep) -> Response:
    """The newest published alerts of the whole region, linking to their CAP documents."""
    return await _feed(request, services, None)


@router.get(
    "/districts/{slug}.atom",
    response_class=Response,
    responses={200: {"content": {cap.ATOM_MEDIA_TYPE: {}}, "description": "An Atom feed"}},
)
async def district_feed(request: Request, services: ServicesDep, slug: str) -> Response:
    """The newest published alerts of one district."""
    if services.gazetteer.get(slug) is None:
        raise HTTPException(404, "no such district")
    return await _feed(request, services, slug)


async def _feed(request: Request, services: Services, slug: str | None) -> Response:
    base = _base_url(request, services)
    async with services.database.read() as session:
        alerts = await list_published(session, district=slug, limit=FEED_SIZE)
    region = services.gazetteer.region.name
    if slug is None:
        title, path = f"Khabardar: verified alerts, {region}", "/cap/feed.atom"
    else:
        name = services.gazetteer.district(slug).name
        title, path = (
            f"Khabardar: verified alerts, {name} ({region})",
            f"/cap/districts/{slug}.atom",
        )
    body = atom_feed(
        [FeedEntry(a, f"{base}/cap/{a.identifier}.xml") for a in alerts],
        feed_id=f"{base}{path}",
        title=title,
        self_url=f"{base}{path}",
        now=datetime.now(UTC),
        author=services.settings.cap_sender,
    )
    return Response(body, media_type=cap.ATOM_MEDIA_TYPE, headers=_CACHE)
