"""Tables of verified alerts, the team and the audit log."""

from __future__ import annotations

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
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    false,
    text,
)
from sqlmodel import Field, SQLModel


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
    # Route codes reach 18 characters (RAIL-QUETTA-TAFTAN): 32 since revision 0008.
    route: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
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


def alert_key() -> Column[int]:
    """A primary-key column that is also the alert's id (its rows go with the alert)."""
    return Column(
        Integer, ForeignKey("alert.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


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
