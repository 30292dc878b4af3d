"""Residents and their district subscriptions.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resident",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("kinds_mask", sa.SmallInteger(), server_default="7", nullable=False),
        sa.Column("min_severity", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("quiet_start", sa.SmallInteger(), nullable=True),
        sa.Column("quiet_end", sa.SmallInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )
    op.create_table(
        "subscription",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("district", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["resident.chat_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("chat_id", "district"),
    )
    op.create_index("ix_subscription_district", "subscription", ["district"])


def downgrade() -> None:
    op.drop_index("ix_subscription_district", table_name="subscription")
    op.drop_table("subscription")
    op.drop_table("resident")
