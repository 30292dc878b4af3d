"""Where each verification request was sent, so a decision can close every copy of it."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel


class VerificationRequestRow(SQLModel, table=True):
    """One verification request message in one verifier's chat; gone once it is closed."""

    __tablename__ = "verification_request"

    alert_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("alert.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    # A request sent twice to one chat (a repeated cancel) has two messages; both are closed.
    message_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))


verification_request = SQLModel.metadata.tables["verification_request"]
