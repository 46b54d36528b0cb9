"""Segment-compatible tracking API: event name mappings, per-source options, recorded orders.

Revision ID: survey_0010_tracking
Revises: survey_0009_contact_settings
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "survey_0010_tracking"
down_revision = "survey_0009_contact_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracking_event_mappings",
        sa.Column("event", sa.String(200), primary_key=True),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "tracking_sources",
        sa.Column("key_id", sa.String(64), primary_key=True),
        sa.Column("record_transactions", sa.Boolean(), nullable=False),
        sa.Column("default_currency", sa.String(3), nullable=True),
        sa.Column("webhook_secret", sa.String(200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "tracking_orders",
        sa.Column("order_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("transaction_id", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("amount", sa.Numeric(18, 4), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("source_key_id", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(100), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tracking_orders")
    op.drop_table("tracking_sources")
    op.drop_table("tracking_event_mappings")
