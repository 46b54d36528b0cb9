"""Set-aside items: work a worker job could not process, kept out of the queue until released.

Revision ID: survey_0004
Revises: survey_0003
Create Date: 2026-12-04
"""

from services.common.platform_schema import create_set_aside_v2, drop_set_aside_v2

revision = "survey_0004"
down_revision = "survey_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_set_aside_v2()


def downgrade() -> None:
    drop_set_aside_v2()
