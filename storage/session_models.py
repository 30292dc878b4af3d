"""Where an operator is in a multi-step bot flow (drafting, rejecting); survives restarts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, String
from sqlmodel import Field, SQLModel

from storage.alert_models import UTCDateTime


class OperatorSessionRow(SQLModel, table=True):
    """One open flow per team member: its name, the step it waits at, and what it has so far."""

    __tablename__ = "operator_session"

    user_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    flow: str = Field(sa_column=Column(String(16), nullable=False))
    step: str = Field(sa_column=Column(String(24), nullable=False))
    # The fields gathered so far, as the one-message form would spell them (form keys -> text).
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
