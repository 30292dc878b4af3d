"""Database tables. Residents are stored minimally: a subscription list is targeting data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, SmallInteger, String, true
from sqlmodel import Field, SQLModel

from domain.alerts import Severity
from domain.preferences import ALL_KINDS_MASK
from storage.alert_models import UTCDateTime


class Resident(SQLModel, table=True):
    """A chat that uses the bot: no names, usernames or message texts, only what delivery needs."""

    __tablename__ = "resident"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    language: str = Field(sa_column=Column(String(8), nullable=False))
    kinds_mask: int = Field(
        default=ALL_KINDS_MASK,
        sa_column=Column(SmallInteger, nullable=False, server_default=str(ALL_KINDS_MASK)),
    )
    min_severity: int = Field(
        default=int(Severity.MINOR),
        sa_column=Column(SmallInteger, nullable=False, server_default=str(int(Severity.MINOR))),
    )
    # Local minutes of the day; both null when the resident has no quiet hours.
    quiet_start: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    quiet_end: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    # False once Telegram says the chat blocked the bot or is gone; delivery skips it.
    active: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )
    # The daily all-quiet note: the local minute of the day it is due (null: not asked for),
    # and when the last one went out, so a tick that runs twice sends it once.
    heartbeat_minute: int | None = Field(
        default=None, sa_column=Column(SmallInteger, nullable=True)
    )
    heartbeat_sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Subscription(SQLModel, table=True):
    """One district a resident follows."""

    __tablename__ = "subscription"
    # Fan-out planning selects by district, so it needs its own index.
    __table_args__ = (Index("ix_subscription_district", "district"),)

    chat_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("resident.chat_id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    district: str = Field(sa_column=Column(String(64), primary_key=True))


class CorridorSubscription(SQLModel, table=True):
    """One road or railway a resident follows, by the gazetteer's route code (N-25)."""

    __tablename__ = "corridor_subscription"
    # Fan-out planning selects by route, as it does by district.
    __table_args__ = (Index("ix_corridor_subscription_route", "route"),)

    chat_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("resident.chat_id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    route: str = Field(sa_column=Column(String(32), primary_key=True))


class AlertMute(SQLModel, table=True):
    """A chat pressed "I'm safe" under an alert: its updates arrive silently until `until`.

    `thread` is the identifier of the first alert of the chain (updates reference their
    predecessor), so a mute holds for every later update. No foreign key to resident: team
    members without a resident row receive alerts and may mute them too.
    """

    __tablename__ = "alert_mute"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    thread: str = Field(sa_column=Column(String(32), primary_key=True))
    until: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# Imported for their side effect: they register the alert, team, audit and operator-session
# tables on SQLModel.metadata (Alembic's env.py and the tests read it).
import storage.alert_models  # noqa: E402
import storage.channel_models  # noqa: E402
import storage.checkin_models  # noqa: E402
import storage.delivery_models  # noqa: E402
import storage.send_budget  # noqa: E402
import storage.session_models  # noqa: E402
import storage.sms_models  # noqa: E402
import storage.verification_models  # noqa: E402, F401
