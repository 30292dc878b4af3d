"""Tables of the delivery engine: the outbox (one row per alert and chat) and progress watchers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from storage.alert_models import UTCDateTime

# BIGINT keys for a table that grows by the subscriber count per alert; SQLite only
# autoincrements INTEGER keys.
_BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


class DeliveryRow(SQLModel, table=True):
    """One message to one chat for one alert: a send, or the edit of an earlier copy.

    The row is the outbox entry and its own record: state moves pending → claimed → sent (or
    failed / blocked / skipped); held rows wait for a resident's quiet hours to end.
    """

    __tablename__ = "delivery"
    __table_args__ = (
        # The exactly-once guarantee: planning twice inserts nothing the second time.
        UniqueConstraint("alert_id", "chat_id", "kind", name="uq_delivery_alert_chat_kind"),
        # The claim query walks pending rows in priority order; hold/release scans by state.
        Index("ix_delivery_queue", "state", "priority", "id"),
        # Reports, sweeps and "who received the original" select by alert and state.
        Index("ix_delivery_alert_state", "alert_id", "state"),
        # Blocked and migrated chats, and /delete, select by chat.
        Index("ix_delivery_chat", "chat_id"),
    )

    id: int | None = Field(default=None, sa_column=Column(_BIG_ID, primary_key=True))
    alert_id: int = Field(
        sa_column=Column(Integer, ForeignKey("alert.id", ondelete="CASCADE"), nullable=False)
    )
    # No foreign key to resident: team members receive exercises without being residents.
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(sa_column=Column(String(8), nullable=False))  # send | edit
    language: str = Field(sa_column=Column(String(8), nullable=False))
    state: str = Field(sa_column=Column(String(8), nullable=False))
    priority: int = Field(sa_column=Column(SmallInteger, nullable=False))
    # Urgent rows are never held by quiet hours.
    urgent: bool = Field(sa_column=Column(Boolean, nullable=False, server_default=false()))
    attempts: int = Field(default=0, sa_column=Column(SmallInteger, nullable=False))
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    lease_owner: str | None = Field(default=None, sa_column=Column(String(64)))
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    last_error: str | None = Field(default=None, sa_column=Column(String(200)))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DeliveryWatchRow(SQLModel, table=True):
    """A team member who follows an alert's fan-out in one message that is edited live."""

    __tablename__ = "delivery_watch"

    alert_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("alert.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    language: str = Field(sa_column=Column(String(8), nullable=False))
    # Null until the first progress message is sent; then every edit targets it.
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    last_text: str | None = Field(default=None, sa_column=Column(String(4096)))
    finished: bool = Field(sa_column=Column(Boolean, nullable=False, server_default=false()))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


# Core handles for set-based queries; typed, unlike the SQLModel class attributes.
delivery = _table("delivery")
delivery_watch = _table("delivery_watch")
