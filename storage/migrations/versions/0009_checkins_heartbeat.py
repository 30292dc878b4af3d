"""Safety check-ins under alerts, and residents' daily all-quiet note.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkin",
        sa.Column("alert_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("district", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("alert_id", "chat_id"),
    )
    op.create_index("ix_checkin_alert_district", "checkin", ["alert_id", "district"])
    op.create_index("ix_checkin_answered_at", "checkin", ["answered_at"])
    op.create_index("ix_checkin_chat", "checkin", ["chat_id"])
    with op.batch_alter_table("resident") as batch:
        batch.add_column(sa.Column("heartbeat_minute", sa.SmallInteger(), nullable=True))
        batch.add_column(
            sa.Column("heartbeat_sent_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("resident") as batch:
        batch.drop_column("heartbeat_sent_at")
        batch.drop_column("heartbeat_minute")
    op.drop_index("ix_checkin_chat", table_name="checkin")
    op.drop_index("ix_checkin_answered_at", table_name="checkin")
    op.drop_index("ix_checkin_alert_district", table_name="checkin")
    op.drop_table("checkin")
