"""Alert rows ↔ domain values, and the one loader every alert query shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.alerts import (
    Alert,
    AlertContent,
    AlertKind,
    AlertState,
    AlertText,
    Certainty,
    Displacement,
    MsgType,
    Severity,
    Status,
    Transport,
    TransportMode,
    Urgency,
)
from storage.alert_models import alert, alert_district, alert_text


def content_values(content: AlertContent) -> dict[str, Any]:
    """The alert columns that hold an author's content."""
    transport, displacement = content.transport, content.displacement
    return {
        "kind": content.kind.value,
        "status": content.status.value,
        "urgency": content.urgency.value,
        "severity": int(content.severity),
        "certainty": content.certainty.value,
        "source": content.source,
        "effective": content.effective,
        "expires": content.expires,
        "restricted_to_team": content.team_only,
        "route": transport.route if transport else None,
        "transport_mode": transport.mode.value if transport and transport.mode else None,
        "segment": transport.segment if transport else None,
        "families": displacement.families if displacement else None,
        "individuals": displacement.individuals if displacement else None,
        "from_place": displacement.from_place if displacement else None,
        "to_place": displacement.to_place if displacement else None,
    }


def child_rows(alert_id: int, content: AlertContent) -> tuple[list[dict[str, Any]], ...]:
    """The alert_text rows (primary first) and alert_district rows of an alert's content."""
    texts = [
        {
            "alert_id": alert_id,
            "language": t.language,
            "is_primary": position == 0,
            "headline": t.headline,
            "description": t.description,
            "instruction": t.instruction,
        }
        for position, t in enumerate(content.texts)
    ]
    districts = [
        {"alert_id": alert_id, "district": slug, "position": position}
        for position, slug in enumerate(content.districts)
    ]
    return texts, districts


def alert_from_row(
    row: Row[Any], texts: tuple[AlertText, ...], districts: tuple[str, ...]
) -> Alert:
    """The domain value of an alert row and its children."""
    kind = AlertKind(row.kind)
    transport = displacement = None
    if kind is AlertKind.TRANSPORT:
        mode = TransportMode(row.transport_mode) if row.transport_mode else None
        transport = Transport(mode, row.route, row.segment or "")
    elif kind is AlertKind.SECURITY and row.route:  # an incident marked on a route
        transport = Transport(None, row.route, row.segment or "")
    elif kind is AlertKind.DISPLACEMENT:
        displacement = Displacement(
            row.families, row.individuals, row.from_place or "", row.to_place or ""
        )
    content = AlertContent(
        kind=kind,
        severity=Severity(row.severity),
        urgency=Urgency(row.urgency),
        certainty=Certainty(row.certainty),
        texts=texts,
        districts=districts,
        effective=row.effective,
        expires=row.expires,
        source=row.source,
        status=Status(row.status),
        restricted_to_team=row.restricted_to_team,
        transport=transport,
        displacement=displacement,
    )
    return Alert(
        identifier=row.identifier,
        content=content,
        author_id=row.author_id,
        created_at=row.created_at,
        state=AlertState(row.state),
        msg_type=MsgType(row.msg_type),
        references=row.refers_to,
        note=row.note,
        submitted_at=row.submitted_at,
        verified_by=row.verified_by,
        verified_at=row.verified_at,
        rejected_by=row.rejected_by,
        rejected_at=row.rejected_at,
        rejection_reason=row.rejection_reason,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        closed_by_alert=row.closed_by_alert,
        delivery_planned_at=row.delivery_planned_at,
    )


async def load_alerts(
    session: AsyncSession,
    *where: ColumnElement[bool],
    order: Sequence[Any] = (alert.c.id,),
    limit: int | None = None,
    offset: int = 0,
) -> list[Alert]:
    """Alerts matching all conditions, with their texts and districts: three queries in all."""
    query = select(alert).where(*where).order_by(*order).limit(limit).offset(offset)
    rows = (await session.execute(query)).all()
    ids = [row.id for row in rows]
    if not ids:
        return []
    texts: dict[int, list[AlertText]] = {i: [] for i in ids}
    for t in await session.execute(
        select(alert_text)
        .where(alert_text.c.alert_id.in_(ids))
        .order_by(alert_text.c.alert_id, alert_text.c.is_primary.desc(), alert_text.c.language)
    ):
        texts[t.alert_id].append(AlertText(t.language, t.headline, t.description, t.instruction))
    districts: dict[int, list[str]] = {i: [] for i in ids}
    for d in await session.execute(
        select(alert_district.c.alert_id, alert_district.c.district)
        .where(alert_district.c.alert_id.in_(ids))
        .order_by(alert_district.c.alert_id, alert_district.c.position)
    ):
        districts[d.alert_id].append(d.district)
    return [alert_from_row(r, tuple(texts[r.id]), tuple(districts[r.id])) for r in rows]
