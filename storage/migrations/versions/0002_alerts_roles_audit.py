"""Verified alerts (CAP 1.2), their texts and districts, the team's roles and the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("msg_type", sa.String(length=16), nullable=False),
        sa.Column("refers_to", sa.String(length=20), nullable=True),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.SmallInteger(), nullable=False),
        sa.Column("certainty", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=200), server_default="", nullable=False),
        sa.Column("effective", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=False),
        sa.Column("restricted_to_team", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("route", sa.String(length=16), nullable=True),
        sa.Column("transport_mode", sa.String(length=8), nullable=True),
        sa.Column("segment", sa.String(length=120), nullable=True),
        sa.Column("families", sa.Integer(), nullable=True),
        sa.Column("individuals", sa.Integer(), nullable=True),
        sa.Column("from_place", sa.String(length=120), nullable=True),
        sa.Column("to_place", sa.String(length=120), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by", sa.BigInteger(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejected_by", sa.BigInteger(), nullable=True),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejection_reason", sa.String(length=500), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.Column("closed_by_alert", sa.String(length=20), nullable=True),
        sa.Column("delivery_planned_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["refers_to"], ["alert.identifier"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("identifier"),
    )
    # Expiry ticks, delivery hand-off and the pending queue select by state and expiry.
    op.create_index("ix_alert_state", "alert", ["state"])
    op.create_index("ix_alert_expires", "alert", ["expires"])
    op.create_index("ix_alert_refers_to", "alert", ["refers_to"])
    op.create_table(
        "alert_district",
        sa.Column("alert_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("district", sa.String(length=64), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("alert_id", "district"),
    )
    # Delivery joins subscriptions to alerts on the district.
    op.create_index("ix_alert_district_district", "alert_district", ["district"])
    op.create_table(
        "alert_text",
        sa.Column("alert_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("headline", sa.String(length=140), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("alert_id", "language"),
    )
    # At most one primary language per alert.
    op.create_index(
        "ux_alert_text_primary",
        "alert_text",
        ["alert_id"],
        unique=True,
        sqlite_where=sa.text("is_primary"),
        postgresql_where=sa.text("is_primary"),
    )
    op.create_table(
        "team_member",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("granted_by", sa.BigInteger(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("alert_identifier", sa.String(length=20), nullable=True),
        sa.Column("target_user", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_alert_identifier", "audit_log", ["alert_identifier"])
    op.create_index("ix_audit_log_actor_id", "audit_log", ["actor_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_actor_id", table_name="audit_log")
    op.drop_index("ix_audit_log_alert_identifier", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("team_member")
    op.drop_index("ux_alert_text_primary", table_name="alert_text")
    op.drop_table("alert_text")
    op.drop_index("ix_alert_district_district", table_name="alert_district")
    op.drop_table("alert_district")
    op.drop_index("ix_alert_refers_to", table_name="alert")
    op.drop_index("ix_alert_expires", table_name="alert")
    op.drop_index("ix_alert_state", table_name="alert")
    op.drop_table("alert")
    op.drop_table("alert_counter")
