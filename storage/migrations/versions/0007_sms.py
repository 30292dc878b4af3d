"""SMS: recipients with encrypted numbers, their districts, parts sent, data shutdowns.

SMS deliveries are rows of the existing outbox (kind "sms"), so the outbox itself is unchanged.

Revision ID: 0007
Revises: 0010 (written on 0004; chained after 0010 when main was merged in)
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sms_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number_hash", sa.String(length=64), nullable=False),
        sa.Column("number_sealed", sa.String(length=255), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("min_severity", sa.SmallInteger(), server_default="3", nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["resident.chat_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number_hash"),
        sa.UniqueConstraint("chat_id"),
    )
    op.create_table(
        "sms_subscription",
        sa.Column("recipient_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("district", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["recipient_id"], ["sms_recipient.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("recipient_id", "district"),
    )
    op.create_index("ix_sms_subscription_district", "sms_subscription", ["district"])
    op.create_table(
        "sms_part",
        sa.Column("delivery_id", _BIG_ID, autoincrement=False, nullable=False),
        sa.Column("part", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("smsc_id", sa.String(length=65), nullable=False),
        sa.Column("receipt", sa.String(length=9), nullable=True),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("delivery_id", "part"),
    )
    op.create_index("ix_sms_part_smsc", "sms_part", ["smsc_id"])
    op.create_table(
        "sms_shutdown",
        sa.Column("district", sa.String(length=64), nullable=False),
        sa.Column("declared_by", sa.BigInteger(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("district"),
    )


def downgrade() -> None:
    op.drop_table("sms_shutdown")
    op.drop_index("ix_sms_part_smsc", table_name="sms_part")
    op.drop_table("sms_part")
    op.drop_index("ix_sms_subscription_district", table_name="sms_subscription")
    op.drop_table("sms_subscription")
    op.drop_table("sms_recipient")
