"""Platform tables of the notifier service: API keys, outbox, worker heartbeats.

Revision ID: notifier_0001
Revises:
Create Date: 2026-11-23
"""

from services.common.platform_schema import create_platform_tables_v1, drop_platform_tables_v1

revision = "notifier_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables_v1()


def downgrade() -> None:
    drop_platform_tables_v1()
