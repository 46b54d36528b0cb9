"""Subscriptions carry the lead's time zone: notices show dates and times in it.

Revision ID: notifier_0007_time_zone
Revises: notifier_0006_signal_revision
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "notifier_0007_time_zone"
down_revision = "notifier_0006_signal_revision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(64), nullable=False, server_default="UTC"))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("time_zone")
