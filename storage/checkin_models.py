"""The check-in table: one answer per alert and chat ("safe", "need help", "had to leave")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, String, Table
from sqlmodel import Field, SQLModel

from storage.alert_models import UTCDateTime, alert_key


class CheckinRow(SQLModel, table=True):
    """A resident's answer under one alert, for the district it was counted in.

    Only counts leave the database; the chat id is kept so a second tap changes the answer and
    /delete erases it, and the retention tick erases rows after 30 days.
    """

    __tablename__ = "checkin"
    __table_args__ = (
        # Counts group by alert and district; retention scans by age.
        Index("ix_checkin_alert_district", "alert_id", "district"),
        Index("ix_checkin_answered_at", "answered_at"),
        Index("ix_checkin_chat", "chat_id"),
    )

    alert_id: int = Field(sa_column=alert_key())
    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    district: str = Field(sa_column=Column(String(64), nullable=False))
    answer: str = Field(sa_column=Column(String(8), nullable=False))  # safe | help | left
    answered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


checkin: Table = SQLModel.metadata.tables["checkin"]
