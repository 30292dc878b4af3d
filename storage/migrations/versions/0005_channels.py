"""District channels: channels linked to districts in one language.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=True),
        sa.Column("member_count_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("linked_by", sa.BigInteger(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )
    op.create_table(
        "channel_district",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("district", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["chat_id"], ["channel.chat_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("chat_id", "district"),
    )
    op.create_index("ix_channel_district_district", "channel_district", ["district"])


def downgrade() -> None:
    op.drop_index("ix_channel_district_district", table_name="channel_district")
    op.drop_table("channel_district")
    op.drop_table("channel")
