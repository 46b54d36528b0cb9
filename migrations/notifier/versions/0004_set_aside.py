"""Set-aside items: work a worker job could not process, kept out of the queue until released.

Revision ID: notifier_0004
Revises: notifier_0002
Create Date: 2026-12-04
"""

from services.common.platform_schema import create_set_aside_v2, drop_set_aside_v2

revision = "notifier_0004"
down_revision = "notifier_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_set_aside_v2()


def downgrade() -> None:
    drop_set_aside_v2()
