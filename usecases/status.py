"""The situation as staff and the HTTP API see it: district status, overview, history, map."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain import status as summaries
from domain.alerts import Alert, Severity
from domain.checkins import CheckinCounts
from domain.gazetteer import Gazetteer
from storage import checkins, delivery_upkeep, sms
from storage.channels import LinkedChannel, list_channels
from storage.db import Database
from storage.residents import count_subscribers_by_district
from storage.status_queries import list_published_since


@dataclass(frozen=True, slots=True)
class DistrictReport:
    """A district's picture, and how many residents follow it (None when not asked)."""

    status: summaries.DistrictStatus
    subscribers: int | None
    # Linked channels with their cached member counts (for the team only, like subscribers).
    channels: tuple[LinkedChannel, ...] = ()
    # A declared data shutdown of the district: since when (None: none declared).
    shutdown_since: datetime | None = None
    # For the team only: residents' check-in answers (counts) and the outbox's depth.
    checkins: tuple[CheckinCounts, ...] = ()
    queue_depth: int | None = None


@dataclass(frozen=True, slots=True)
class DistrictsReport:
    """The province's overview and every district's subscriber count (the API's district list)."""

    overview: summaries.Overview
    subscribers: dict[str, int]


@dataclass(frozen=True, slots=True)
class History:
    """What was published about a district since a moment, newest first."""

    district: str
    since: datetime
    alerts: list[Alert]


async def district_status(
    *,
    database: Database,
    gazetteer: Gazetteer,
    district: str,
    now: datetime,
    stale_after: timedelta,
    count_subscribers: bool,
) -> DistrictReport:
    """One district's status in one read. Subscribers, channels, check-ins and the queue are
    the team's (`count_subscribers`); the declared shutdown is everyone's."""
    counts: dict[str, int] | None = None
    linked: list[LinkedChannel] = []
    answers: list[CheckinCounts] = []
    depth: int | None = None
    async with database.read() as session:
        published = await list_published_since(session, since=now - summaries.WINDOW)
        shutdown = (await sms.list_shutdowns(session)).get(district)
        if count_subscribers:
            counts = await count_subscribers_by_district(session)
            linked = await list_channels(session, districts=[district])
            answers = await checkins.counts(session, district=district)
            depth = await delivery_upkeep.queue_depth(session)
    picture = summaries.district_status(
        published, district=district, now=now, gazetteer=gazetteer, stale_after=stale_after
    )
    return DistrictReport(
        picture,
        counts.get(district, 0) if counts is not None else None,
        tuple(linked),
        shutdown_since=shutdown,
        checkins=tuple(answers),
        queue_depth=depth,
    )


@dataclass(frozen=True, slots=True)
class OverviewReport:
    """The province by division and district, and every linked channel."""

    overview: summaries.Overview
    channels: tuple[LinkedChannel, ...]
    shutdowns: dict[str, datetime]  # districts under a declared data shutdown, and since when


async def overview(
    *, database: Database, gazetteer: Gazetteer, now: datetime, stale_after: timedelta
) -> OverviewReport:
    """The province by division and district, with the linked channels and shutdowns."""
    async with database.read() as session:
        published = await list_published_since(session, since=now - summaries.WINDOW)
        linked = await list_channels(session)
        shutdowns = await sms.list_shutdowns(session)
    view = summaries.overview(published, now=now, gazetteer=gazetteer, stale_after=stale_after)
    return OverviewReport(view, tuple(linked), shutdowns)


async def districts(
    *, database: Database, gazetteer: Gazetteer, now: datetime, stale_after: timedelta
) -> DistrictsReport:
    """The overview together with every district's subscriber count, in one read."""
    async with database.read() as session:
        published = await list_published_since(session, since=now - summaries.WINDOW)
        counts = await count_subscribers_by_district(session)
    view = summaries.overview(published, now=now, gazetteer=gazetteer, stale_after=stale_after)
    return DistrictsReport(view, counts)


async def history(*, database: Database, district: str, days: int, now: datetime) -> History:
    """A district's published alerts, updates and cancels of the last days."""
    since = now - timedelta(days=days)
    async with database.read() as session:
        published = await list_published_since(session, since=since)
    found = summaries.district_history(published, district=district, since=since)
    return History(district, since, found)


async def highest_by_district(*, database: Database, now: datetime) -> dict[str, Severity]:
    """Each district's highest active severity (the map's colours)."""
    async with database.read() as session:
        published = await list_published_since(session, since=now - summaries.WINDOW)
    return summaries.highest_by_district(published, now=now)


@dataclass(frozen=True, slots=True)
class MapView:
    """What the map shows: each district's highest active severity, and suspended routes."""

    highest: dict[str, Severity]
    suspended: frozenset[str]  # codes of routes with an active transport suspension


async def map_view(*, database: Database, now: datetime) -> MapView:
    """The map's colours and the routes to draw as suspended, from published alerts."""
    async with database.read() as session:
        published = await list_published_since(session, since=now - summaries.WINDOW)
    active = [a for a in published if summaries.is_published(a) and summaries.is_active(a, now)]
    routes = frozenset(s.route for s in summaries.suspensions_of(active) if s.route)
    return MapView(summaries.highest_by_district(published, now=now), routes)


async def displacement_by_district(
    *, database: Database, gazetteer: Gazetteer, now: datetime
) -> dict[str, summaries.DisplacementFigures]:
    """Each district's displacement figures of the window, read once (districts with reports)."""
    async with database.read() as session:
        published = await list_published_since(session, since=now - summaries.WINDOW)
    found: dict[str, summaries.DisplacementFigures] = {}
    for district in gazetteer.districts:
        mine = [a for a in published if district.slug in a.content.districts]
        figures = summaries.displacement_figures(mine, now=now)
        if figures.reports:
            found[district.slug] = figures
    return found
