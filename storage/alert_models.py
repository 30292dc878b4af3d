"""Tables of verified alerts, the team and the audit log; alert rows ↔ domain values, and the
one loader every alert query shares."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    Row,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    false,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Field, SQLModel

from domain.alerts import (
    Alert,
    AlertContent,
    AlertState,
    AlertText,
    Certainty,
    Displacement,
    MsgType,
    Status,
    Transport,
    TransportMode,
    Urgency,
)
from domain.preferences import AlertKind, Severity


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    PostgreSQL keeps the zone (timestamptz); SQLite has no datetime type and SQLAlchemy stores
    the wall-clock digits only, so values are normalised to UTC before they are written and
    marked UTC when read. Comparisons in SQL then order correctly on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("refusing to store a naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# BIGINT keys for tables that grow without bound; SQLite only autoincrements INTEGER keys.
_BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


class AlertCounterRow(SQLModel, table=True):
    """The last alert number handed out in a year; bumped in the drafting transaction."""

    __tablename__ = "alert_counter"

    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    last_number: int = Field(sa_column=Column(Integer, nullable=False))


class AlertRow(SQLModel, table=True):
    """One alert, update or cancel (CAP msgType), with its lifecycle."""

    __tablename__ = "alert"
    __table_args__ = (
        # Expiry ticks, delivery hand-off and the pending queue all select by state.
        Index("ix_alert_state", "state"),
        Index("ix_alert_expires", "expires"),
        Index("ix_alert_refers_to", "refers_to"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    identifier: str = Field(sa_column=Column(String(20), nullable=False, unique=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    status: str = Field(sa_column=Column(String(16), nullable=False))
    msg_type: str = Field(sa_column=Column(String(16), nullable=False))
    # CAP "references": the alert an update or cancel corrects.
    refers_to: str | None = Field(
        default=None,
        sa_column=Column(String(20), ForeignKey("alert.identifier"), nullable=True),
    )
    note: str = Field(sa_column=Column(String(500), nullable=False, server_default=""))
    urgency: str = Field(sa_column=Column(String(16), nullable=False))
    # An integer like resident.min_severity, so delivery compares them in SQL.
    severity: int = Field(sa_column=Column(SmallInteger, nullable=False))
    certainty: str = Field(sa_column=Column(String(16), nullable=False))
    source: str = Field(sa_column=Column(String(200), nullable=False, server_default=""))
    effective: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    restricted_to_team: bool = Field(
        sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    route: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    transport_mode: str | None = Field(default=None, sa_column=Column(String(8), nullable=True))
    segment: str | None = Field(default=None, sa_column=Column(String(120), nullable=True))
    families: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    individuals: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    from_place: str | None = Field(default=None, sa_column=Column(String(120), nullable=True))
    to_place: str | None = Field(default=None, sa_column=Column(String(120), nullable=True))
    state: str = Field(sa_column=Column(String(16), nullable=False))
    author_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    verified_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    verified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    rejected_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    rejected_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    rejection_reason: str | None = Field(default=None, sa_column=Column(String(500)))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    closed_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    closed_by_alert: str | None = Field(default=None, sa_column=Column(String(20)))
    # Null until the delivery engine has planned the fan-out: "verified and not yet planned".
    delivery_planned_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class AlertDistrictRow(SQLModel, table=True):
    """A district an alert is about; delivery joins subscriptions on it."""

    __tablename__ = "alert_district"
    __table_args__ = (Index("ix_alert_district_district", "district"),)

    alert_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("alert.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    district: str = Field(sa_column=Column(String(64), primary_key=True))
    position: int = Field(sa_column=Column(SmallInteger, nullable=False))


class AlertTextRow(SQLModel, table=True):
    """An alert's words in one language; exactly one language per alert is the primary one."""

    __tablename__ = "alert_text"
    __table_args__ = (
        Index(
            "ux_alert_text_primary",
            "alert_id",
            unique=True,
            sqlite_where=text("is_primary"),
            postgresql_where=text("is_primary"),
        ),
    )

    alert_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("alert.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    language: str = Field(sa_column=Column(String(8), primary_key=True))
    is_primary: bool = Field(sa_column=Column(Boolean, nullable=False))
    headline: str = Field(sa_column=Column(String(140), nullable=False))
    description: str = Field(sa_column=Column(Text, nullable=False))
    instruction: str = Field(sa_column=Column(Text, nullable=False))


class TeamMemberRow(SQLModel, table=True):
    """A stored role: one per user. Admins are configured, not stored."""

    __tablename__ = "team_member"

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    granted_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    granted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class AuditLogRow(SQLModel, table=True):
    """Who did what, when; written in the same transaction as the change itself."""

    __tablename__ = "audit_log"
    # No foreign keys: the log must outlive anything it mentions.
    __table_args__ = (
        Index("ix_audit_log_alert_identifier", "alert_identifier"),
        Index("ix_audit_log_actor_id", "actor_id"),
    )

    id: int | None = Field(default=None, sa_column=Column(_BIG_ID, primary_key=True))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor_id: int | None = Field(default=None, sa_column=Column(BigInteger))  # None: the system
    action: str = Field(sa_column=Column(String(32), nullable=False))
    alert_identifier: str | None = Field(default=None, sa_column=Column(String(20)))
    target_user: int | None = Field(default=None, sa_column=Column(BigInteger))
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


# Core handles for set-based queries; typed, unlike the SQLModel class attributes.
alert_counter = _table("alert_counter")
alert = _table("alert")
alert_district = _table("alert_district")
alert_text = _table("alert_text")
team_member = _table("team_member")
audit_log = _table("audit_log")


# --- rows and domain values ------------------------------------------------------------------


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
