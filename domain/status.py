"""District status, province overview and history: summaries of published alerts as plain values.

Everything here works on published alerts (verified at some point, Actual, not team-only) that
the caller loaded once; the bot, the map and the HTTP API render the same values.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.alerts import Alert, AlertKind, AlertState, MsgType, Severity, Status, TransportMode
from domain.gazetteer import Gazetteer

# Displacement figures are summed over this window; alerts live 30 days at most, so it also
# covers every alert that can still be active.
WINDOW = timedelta(days=30)
DEFAULT_STALE_AFTER = timedelta(hours=24)
MAX_HISTORY_DAYS = 90
_WITHDRAWN = frozenset({AlertState.SUPERSEDED, AlertState.CANCELLED})


def is_published(alert: Alert) -> bool:
    """Whether the public may know of this alert: a verified, real, not team-only alert."""
    return (
        alert.verified_at is not None
        and alert.status is Status.ACTUAL
        and not alert.content.team_only
    )


def is_active(alert: Alert, now: datetime) -> bool:
    """A live situation: verified, not expired, and not a cancel (a cancel is a notice)."""
    return (
        alert.state is AlertState.VERIFIED
        and alert.content.expires > now
        and alert.msg_type is not MsgType.CANCEL
    )


@dataclass(frozen=True, slots=True)
class Suspension:
    """One active transport suspension: the route (a gazetteer code) and the segment."""

    identifier: str
    route: str | None
    mode: TransportMode | None
    segment: str
    severity: Severity
    since: datetime
    districts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DisplacementReport:
    """The figures of one published displacement alert."""

    identifier: str
    families: int | None
    individuals: int | None
    source: str
    reported_at: datetime
    from_place: str
    to_place: str


@dataclass(frozen=True, slots=True)
class DisplacementFigures:
    """The latest report, and the sum of reports in the window (updates replace, not add)."""

    latest: DisplacementReport | None
    families: int
    individuals: int
    reports: int
    since: datetime


@dataclass(frozen=True, slots=True)
class DistrictStatus:
    """The picture of one district at `now`."""

    district: str
    now: datetime
    active: Mapping[AlertKind, tuple[Alert, ...]]  # only kinds with alerts, most severe first
    suspensions: tuple[Suspension, ...]
    displacement: DisplacementFigures
    last_update: datetime | None  # the newest verification touching the district, if any
    stale: bool  # no verified update within stale_after
    stale_after: timedelta

    @property
    def highest(self) -> Severity | None:
        """The highest severity among active alerts, if any."""
        return max((a.content.severity for g in self.active.values() for a in g), default=None)

    @property
    def active_count(self) -> int:
        """How many alerts are active."""
        return sum(len(group) for group in self.active.values())


@dataclass(frozen=True, slots=True)
class DistrictLine:
    """One district in the overview."""

    district: str
    counts: Mapping[AlertKind, int]
    highest: Severity | None
    families: int
    individuals: int
    routes: tuple[str, ...]  # codes of suspended routes named in its alerts

    @property
    def quiet(self) -> bool:
        """Nothing active and no displacement reported in the window."""
        return not self.counts and not self.families and not self.individuals


@dataclass(frozen=True, slots=True)
class DivisionLines:
    """A division's districts in the overview, with its own totals."""

    division: str
    districts: tuple[DistrictLine, ...]
    highest: Severity | None
    counts: Mapping[AlertKind, int]


@dataclass(frozen=True, slots=True)
class Overview:
    """The province at a glance. Totals count each alert once, however many districts it names."""

    now: datetime
    divisions: tuple[DivisionLines, ...]
    counts: Mapping[AlertKind, int]
    highest: Severity | None
    families: int
    individuals: int
    suspensions: tuple[Suspension, ...]
    last_update: datetime | None
    stale: bool
    by_district: Mapping[str, DistrictLine] = field(default_factory=dict)


def district_status(
    alerts: Iterable[Alert],
    *,
    district: str,
    now: datetime,
    gazetteer: Gazetteer,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> DistrictStatus:
    """The status of a district from the published alerts of the last WINDOW."""
    mine = [a for a in alerts if is_published(a) and district in a.content.districts]
    active = [a for a in mine if is_active(a, now)]
    groups: dict[AlertKind, tuple[Alert, ...]] = {}
    for kind in AlertKind:
        of_kind = [a for a in active if a.kind is kind]
        if of_kind:
            groups[kind] = tuple(sorted(of_kind, key=_most_severe_newest))
    through = {route.code for route in gazetteer.routes_through(district)}
    suspensions = suspensions_of(
        a
        for a in alerts
        if is_published(a) and is_active(a, now) and _touches(a, district, through)
    )
    last = max((a.verified_at for a in mine if a.verified_at is not None), default=None)
    return DistrictStatus(
        district=district,
        now=now,
        active=groups,
        suspensions=suspensions,
        displacement=displacement_figures(mine, now=now),
        last_update=last,
        stale=last is None or now - last > stale_after,
        stale_after=stale_after,
    )


def overview(
    alerts: Sequence[Alert],
    *,
    now: datetime,
    gazetteer: Gazetteer,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> Overview:
    """The province by division and district."""
    published = [a for a in alerts if is_published(a)]
    active = [a for a in published if is_active(a, now)]
    lines: dict[str, DistrictLine] = {}
    for district in gazetteer.districts:
        here = [a for a in active if district.slug in a.content.districts]
        figures = displacement_figures(
            [a for a in published if district.slug in a.content.districts], now=now
        )
        lines[district.slug] = DistrictLine(
            district=district.slug,
            counts=_counts(here),
            highest=max((a.content.severity for a in here), default=None),
            families=figures.families,
            individuals=figures.individuals,
            routes=tuple(sorted({s.route for s in suspensions_of(here) if s.route})),
        )
    divisions = []
    for name in gazetteer.divisions:
        members = tuple(lines[d.slug] for d in gazetteer.districts_in(name))
        in_division = [a for a in active if _names_any(a, {m.district for m in members})]
        divisions.append(
            DivisionLines(
                division=name,
                districts=members,
                highest=max((m.highest for m in members if m.highest), default=None),
                counts=_counts(in_division),
            )
        )
    totals = displacement_figures(published, now=now)
    last = max((a.verified_at for a in published if a.verified_at is not None), default=None)
    return Overview(
        now=now,
        divisions=tuple(divisions),
        counts=_counts(active),
        highest=max((a.content.severity for a in active), default=None),
        families=totals.families,
        individuals=totals.individuals,
        suspensions=suspensions_of(active),
        last_update=last,
        stale=last is None or now - last > stale_after,
        by_district=lines,
    )


def highest_by_district(alerts: Iterable[Alert], *, now: datetime) -> dict[str, Severity]:
    """The highest active severity of each district that has an active alert (for the map)."""
    highest: dict[str, Severity] = {}
    for alert in alerts:
        if not (is_published(alert) and is_active(alert, now)):
            continue
        for slug in alert.content.districts:
            highest[slug] = max(highest.get(slug, alert.content.severity), alert.content.severity)
    return highest


def district_history(alerts: Iterable[Alert], *, district: str, since: datetime) -> list[Alert]:
    """Published alerts, updates and cancels of a district verified since then, newest first."""
    found = [
        a
        for a in alerts
        if is_published(a)
        and district in a.content.districts
        and a.verified_at is not None
        and a.verified_at >= since
    ]
    return sorted(found, key=lambda a: (a.verified_at, a.identifier), reverse=True)


def suspensions_of(alerts: Iterable[Alert]) -> tuple[Suspension, ...]:
    """The transport suspensions among active alerts, by route code then segment."""
    found = [
        Suspension(
            identifier=a.identifier,
            route=a.content.transport.route,
            mode=a.content.transport.mode,
            segment=a.content.transport.segment,
            severity=a.content.severity,
            since=a.content.effective,
            districts=a.content.districts,
        )
        for a in alerts
        if a.kind is AlertKind.TRANSPORT and a.content.transport is not None
    ]
    unique = {s.identifier: s for s in found}
    return tuple(sorted(unique.values(), key=lambda s: (s.route or "~", s.segment, s.identifier)))


def displacement_figures(alerts: Iterable[Alert], *, now: datetime) -> DisplacementFigures:
    """Latest report and window totals; superseded and cancelled reports are not counted."""
    since = now - WINDOW
    reports = sorted(
        (
            _report(a)
            for a in alerts
            if is_published(a)
            and a.kind is AlertKind.DISPLACEMENT
            and a.msg_type is not MsgType.CANCEL
            and a.state not in _WITHDRAWN
            and a.content.displacement is not None
            and a.verified_at is not None
            and a.verified_at >= since
        ),
        key=lambda r: (r.reported_at, r.identifier),
    )
    unique = {r.identifier: r for r in reports}
    return DisplacementFigures(
        latest=reports[-1] if reports else None,
        families=sum(r.families or 0 for r in unique.values()),
        individuals=sum(r.individuals or 0 for r in unique.values()),
        reports=len(unique),
        since=since,
    )


def _report(alert: Alert) -> DisplacementReport:
    figures = alert.content.displacement
    assert figures is not None and alert.verified_at is not None
    return DisplacementReport(
        identifier=alert.identifier,
        families=figures.families,
        individuals=figures.individuals,
        source=alert.content.source,
        reported_at=alert.verified_at,
        from_place=figures.from_place,
        to_place=figures.to_place,
    )


def _counts(alerts: Iterable[Alert]) -> dict[AlertKind, int]:
    counts: dict[AlertKind, int] = {}
    for alert in alerts:
        counts[alert.kind] = counts.get(alert.kind, 0) + 1
    return {kind: counts[kind] for kind in AlertKind if kind in counts}


def _most_severe_newest(alert: Alert) -> tuple[int, float]:
    stamp = alert.verified_at or alert.created_at
    return (-int(alert.content.severity), -stamp.timestamp())


def _touches(alert: Alert, district: str, routes: Collection[str]) -> bool:
    """A transport alert naming the district, or on a route crossing it (travellers care)."""
    if district in alert.content.districts:
        return True
    transport = alert.content.transport
    return transport is not None and transport.route is not None and transport.route in routes


def _names_any(alert: Alert, districts: Collection[str]) -> bool:
    return any(slug in districts for slug in alert.content.districts)
