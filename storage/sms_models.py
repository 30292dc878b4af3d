"""Tables of SMS: recipients (encrypted numbers), their districts, parts sent, data shutdowns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
)
from sqlmodel import Field, SQLModel

from domain.alerts import Severity
from storage.alert_models import UTCDateTime


class SmsRecipient(SQLModel, table=True):
    """A phone number that opted in: an SMS-only resident, or a Telegram resident's fallback.

    The number is stored only encrypted (Fernet, SMS_NUMBER_KEY) beside a keyed hash that finds
    an inbound sender; STOP and /delete erase the row.
    """

    __tablename__ = "sms_recipient"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    number_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    number_sealed: str = Field(sa_column=Column(String(255), nullable=False))
    language: str = Field(sa_column=Column(String(8), nullable=False))
    min_severity: int = Field(
        default=int(Severity.SEVERE),
        sa_column=Column(SmallInteger, nullable=False, server_default=str(int(Severity.SEVERE))),
    )
    # Set for a Telegram resident's fallback number: SMS only while their district is cut off.
    chat_id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger, ForeignKey("resident.chat_id", ondelete="CASCADE"), unique=True
        ),
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SmsSubscription(SQLModel, table=True):
    """One district an SMS-only resident follows."""

    __tablename__ = "sms_subscription"
    __table_args__ = (Index("ix_sms_subscription_district", "district"),)

    recipient_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("sms_recipient.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    district: str = Field(sa_column=Column(String(64), primary_key=True))


class SmsPart(SQLModel, table=True):
    """One submit_sm of an SMS delivery row: the SMSC's message id, and its receipt."""

    __tablename__ = "sms_part"
    __table_args__ = (Index("ix_sms_part_smsc", "smsc_id"),)

    delivery_id: int = Field(
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"),
            ForeignKey("delivery.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    part: int = Field(sa_column=Column(SmallInteger, primary_key=True, autoincrement=False))
    smsc_id: str = Field(sa_column=Column(String(65), nullable=False))
    # Null until a delivery receipt arrives: delivered | failed.
    receipt: str | None = Field(default=None, sa_column=Column(String(9)))


class SmsShutdown(SQLModel, table=True):
    """A district under a declared mobile-data shutdown: fallback numbers get SMS there."""

    __tablename__ = "sms_shutdown"

    district: str = Field(sa_column=Column(String(64), primary_key=True))
    declared_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    declared_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


sms_recipient = _table("sms_recipient")
sms_subscription = _table("sms_subscription")
sms_part = _table("sms_part")
sms_shutdown = _table("sms_shutdown")
