"""Tables of district channels: Telegram channels an admin linked to districts, in one language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table
from sqlmodel import Field, SQLModel

from storage.alert_models import UTCDateTime


class ChannelRow(SQLModel, table=True):
    """A channel the bot posts verified alerts to. It stores nothing about who follows it:
    the member count is Telegram's number, read at most every few minutes."""

    __tablename__ = "channel"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    username: str | None = Field(default=None, sa_column=Column(String(64)))
    title: str = Field(sa_column=Column(String(128), nullable=False))
    language: str = Field(sa_column=Column(String(8), nullable=False))
    member_count: int | None = Field(default=None, sa_column=Column(Integer))
    member_count_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    linked_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    linked_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ChannelDistrictRow(SQLModel, table=True):
    """One district a channel covers (a division or the province is stored as its districts)."""

    __tablename__ = "channel_district"
    # Planning joins an alert's districts to channels.
    __table_args__ = (Index("ix_channel_district_district", "district"),)

    chat_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("channel.chat_id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    district: str = Field(sa_column=Column(String(64), primary_key=True))


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


channel = _table("channel")
channel_district = _table("channel_district")
