"""Set-aside items: work a worker job could not process, kept out of the queue until released.

Revision ID: metrics_0004
Revises: metrics_0002_finance, metrics_0003_responses
Create Date: 2026-12-04
"""

from services.common.platform_schema import create_set_aside_v2, drop_set_aside_v2

revision = "metrics_0004"
down_revision = ("metrics_0002_finance", "metrics_0003_responses")  # also merges the two branches
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_set_aside_v2()


def downgrade() -> None:
    drop_set_aside_v2()
