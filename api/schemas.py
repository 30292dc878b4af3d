"""What the staff API returns, as pydantic models (they are also its OpenAPI description).

No model has a field for a resident: subscriber figures are counts per district. Alerts omit
who drafted and verified them; those team members' ids are only in the admin audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel

from domain.alerts import Alert, Severity
from domain.gazetteer import CoordSource, District
from domain.status import DisplacementFigures, DistrictStatus, Overview, Suspension
from storage.channels import LinkedChannel


def _severity(severity: Severity | None) -> str | None:
    return severity.code if severity is not None else None


class DistrictOut(BaseModel):
    """A district of the gazetteer with its current figures."""

    slug: str
    name: str
    names: dict[str, str]
    division: str
    headquarters: str
    lat: float
    lon: float
    coordinates_approximate: bool
    pcode: str | None
    subscribers: int
    active_alerts: int
    highest_severity: str | None

    @classmethod
    def of(
        cls, d: District, *, subscribers: int, active: int, highest: Severity | None
    ) -> DistrictOut:
        """The district with its figures."""
        return cls(
            slug=d.slug,
            name=d.name,
            names=dict(d.names),
            division=d.division,
            headquarters=d.hq,
            lat=d.lat,
            lon=d.lon,
            coordinates_approximate=d.coords is CoordSource.APPROX,
            pcode=d.pcode,
            subscribers=subscribers,
            active_alerts=active,
            highest_severity=_severity(highest),
        )


class TextOut(BaseModel):
    """An alert's words in one language."""

    language: str
    headline: str
    description: str
    instruction: str


class AlertOut(BaseModel):
    """An alert, update or cancel with its lifecycle (CAP terms where CAP has them)."""

    identifier: str
    kind: str
    status: str
    msg_type: str
    state: str
    references: str | None
    severity: str
    urgency: str
    certainty: str
    districts: list[str]
    texts: list[TextOut]
    source: str
    effective: datetime
    expires: datetime
    submitted_at: datetime | None
    verified_at: datetime | None
    closed_at: datetime | None
    closed_by_alert: str | None
    note: str
    route: str | None
    transport_mode: str | None
    segment: str | None
    families: int | None
    individuals: int | None
    from_place: str | None
    to_place: str | None

    @classmethod
    def of(cls, a: Alert) -> AlertOut:
        """The alert as the API shows it."""
        c, t, d = a.content, a.content.transport, a.content.displacement
        return cls(
            identifier=a.identifier,
            kind=c.kind.value,
            status=c.status.value,
            msg_type=a.msg_type.value,
            state=a.state.value,
            references=a.references,
            severity=c.severity.code,
            urgency=c.urgency.value,
            certainty=c.certainty.value,
            districts=list(c.districts),
            texts=[TextOut(**{k: getattr(x, k) for k in TextOut.model_fields}) for x in c.texts],
            source=c.source,
            effective=c.effective,
            expires=c.expires,
            submitted_at=a.submitted_at,
            verified_at=a.verified_at,
            closed_at=a.closed_at,
            closed_by_alert=a.closed_by_alert,
            note=a.note,
            route=t.route if t else None,
            transport_mode=t.mode.value if t and t.mode else None,
            segment=t.segment if t else None,
            families=d.families if d else None,
            individuals=d.individuals if d else None,
            from_place=d.from_place if d else None,
            to_place=d.to_place if d else None,
        )


class SuspensionOut(BaseModel):
    """An active transport suspension."""

    identifier: str
    route: str | None
    mode: str | None
    segment: str
    severity: str
    since: datetime
    districts: list[str]

    @classmethod
    def of(cls, s: Suspension) -> SuspensionOut:
        """The suspension as the API shows it."""
        return cls(
            identifier=s.identifier,
            route=s.route,
            mode=s.mode.value if s.mode else None,
            segment=s.segment,
            severity=s.severity.code,
            since=s.since,
            districts=list(s.districts),
        )


class DisplacementOut(BaseModel):
    """The latest displacement report and the totals of the window."""

    latest_identifier: str | None
    latest_families: int | None
    latest_individuals: int | None
    latest_source: str | None
    latest_reported_at: datetime | None
    total_families: int
    total_individuals: int
    reports: int
    since: datetime

    @classmethod
    def of(cls, f: DisplacementFigures) -> DisplacementOut:
        """The figures as the API shows them."""
        latest = f.latest
        return cls(
            latest_identifier=latest.identifier if latest else None,
            latest_families=latest.families if latest else None,
            latest_individuals=latest.individuals if latest else None,
            latest_source=latest.source if latest else None,
            latest_reported_at=latest.reported_at if latest else None,
            total_families=f.families,
            total_individuals=f.individuals,
            reports=f.reports,
            since=f.since,
        )


class ChannelOut(BaseModel):
    """A linked district channel and Telegram's member count (read at most every few minutes)."""

    username: str | None
    title: str
    language: str
    districts: list[str]
    member_count: int | None
    member_count_at: datetime | None

    @classmethod
    def of(cls, c: LinkedChannel) -> ChannelOut:
        """The channel as the API shows it."""
        return cls(
            username=c.username,
            title=c.title,
            language=c.language,
            districts=list(c.districts),
            member_count=c.member_count,
            member_count_at=c.member_count_at,
        )


class StatusOut(BaseModel):
    """The situation in one district."""

    district: str
    generated_at: datetime
    highest_severity: str | None
    active: list[AlertOut]
    suspensions: list[SuspensionOut]
    displacement: DisplacementOut
    last_verified_update: datetime | None
    stale: bool
    stale_after_hours: int
    subscribers: int  # residents who follow it in private messages (a count, never who)
    channels: list[ChannelOut] = []

    @classmethod
    def of(
        cls, s: DistrictStatus, *, subscribers: int, channels: Sequence[LinkedChannel] = ()
    ) -> StatusOut:
        """The status as the API shows it."""
        return cls(
            district=s.district,
            generated_at=s.now,
            highest_severity=_severity(s.highest),
            active=[AlertOut.of(a) for group in s.active.values() for a in group],
            suspensions=[SuspensionOut.of(x) for x in s.suspensions],
            displacement=DisplacementOut.of(s.displacement),
            last_verified_update=s.last_update,
            stale=s.stale,
            stale_after_hours=int(s.stale_after.total_seconds() // 3600),
            subscribers=subscribers,
            channels=[ChannelOut.of(c) for c in channels],
        )


class DistrictLineOut(BaseModel):
    """One district in the overview."""

    district: str
    active_by_kind: dict[str, int]
    highest_severity: str | None
    displaced_families: int
    displaced_individuals: int
    suspended_routes: list[str]


class DivisionOut(BaseModel):
    """One division in the overview."""

    division: str
    highest_severity: str | None
    active_by_kind: dict[str, int]
    districts: list[DistrictLineOut]


class OverviewOut(BaseModel):
    """The province at a glance; totals count each alert once."""

    generated_at: datetime
    active_by_kind: dict[str, int]
    highest_severity: str | None
    displaced_families: int
    displaced_individuals: int
    suspensions: list[SuspensionOut]
    last_verified_update: datetime | None
    stale: bool
    divisions: list[DivisionOut]
    channels: list[ChannelOut] = []

    @classmethod
    def of(cls, o: Overview, *, channels: Sequence[LinkedChannel] = ()) -> OverviewOut:
        """The overview as the API shows it."""
        return cls(
            generated_at=o.now,
            active_by_kind={k.value: n for k, n in o.counts.items()},
            highest_severity=_severity(o.highest),
            displaced_families=o.families,
            displaced_individuals=o.individuals,
            suspensions=[SuspensionOut.of(s) for s in o.suspensions],
            last_verified_update=o.last_update,
            stale=o.stale,
            channels=[ChannelOut.of(c) for c in channels],
            divisions=[
                DivisionOut(
                    division=d.division,
                    highest_severity=_severity(d.highest),
                    active_by_kind={k.value: n for k, n in d.counts.items()},
                    districts=[
                        DistrictLineOut(
                            district=line.district,
                            active_by_kind={k.value: n for k, n in line.counts.items()},
                            highest_severity=_severity(line.highest),
                            displaced_families=line.families,
                            displaced_individuals=line.individuals,
                            suspended_routes=list(line.routes),
                        )
                        for line in d.districts
                    ],
                )
                for d in o.divisions
            ],
        )


class AuditOut(BaseModel):
    """One audit log entry (admin tokens only)."""

    id: int
    at: str
    actor_id: int | None
    action: str
    alert: str | None
    target_user: int | None
    detail: dict[str, object]
