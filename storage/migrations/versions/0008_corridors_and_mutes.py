"""Corridor subscriptions (roads and railways residents follow) and per-alert mutes.

Also widens alert.route to 32 characters: route codes reach 18 (RAIL-QUETTA-TAFTAN), which
PostgreSQL refused in the old String(16); SQLite never enforced the length.

Revision ID: 0008
Revises: 0007 (written on 0004; chained after 0010 when main, which has it, was merged in)
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "corridor_subscription",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("route", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["resident.chat_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("chat_id", "route"),
    )
    op.create_index("ix_corridor_subscription_route", "corridor_subscription", ["route"])
    op.create_table(
        "alert_mute",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("thread", sa.String(length=32), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "thread"),
    )
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("alert", "route", type_=sa.String(length=32), existing_nullable=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("alert", "route", type_=sa.String(length=16), existing_nullable=True)
    op.drop_table("alert_mute")
    op.drop_index("ix_corridor_subscription_route", table_name="corridor_subscription")
    op.drop_table("corridor_subscription")
